using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using SecPlatform.Agent.Hosting;
using SecPlatform.Agent.Policy;
using SecPlatform.Agent.State;

namespace SecPlatform.Agent.Cli;

/// <summary>
/// <c>secplat-agent policy show [--state-dir DIR] [--output table|json]</c> and
/// <c>secplat-agent policy set [--state-dir DIR] [--allow-path DIR]... [--allow-cidr CIDR[:PORTS]]... [--allow-scanner ID]...</c>:
/// the local policy, set by whoever installs the agent. <c>set</c> replaces the whole policy (an option left out
/// allows nothing, except scanners, which default to every installed one); a running daemon applies it to the next
/// scan. Neither needs a registered identity, so an installer can set the policy first. The control plane cannot
/// change it.
/// </summary>
public sealed class PolicyCommand(AgentRuntime runtime)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private readonly Option<string?> _showStateDirectory = CommonOptions.StateDirectory();
    private readonly Option<string?> _setStateDirectory = CommonOptions.StateDirectory();
    private readonly PolicyOptions _policy = new();
    private readonly Option<string> _output = new Option<string>("--output")
    {
        Description = "Output format",
        DefaultValueFactory = _ => "table",
    }.AcceptOnlyFromAmong("table", "json");

    public Command Create()
    {
        var show = new Command("show", "Show the local policy: what scanners may read, probe and run") { _showStateDirectory, _output };
        show.SetAction(CliAction.Of(ShowAsync));

        var set = new Command("set", "Replace the local policy (options left out allow nothing; scanners default to every installed one)") { _setStateDirectory };
        foreach (var option in _policy.All)
        {
            set.Options.Add(option);
        }

        set.SetAction(CliAction.Of(SetAsync));
        return new Command("policy", "Show or set the local policy (never widened by the control plane)") { show, set };
    }

    public static PolicyView ToView(AgentPolicy policy) =>
        new(policy.PathRoots, [.. policy.Networks.Select(rule => rule.ToString())], policy.Scanners);

    public static string RenderJson(PolicyView view) => JsonSerializer.Serialize(view, Json);

    public static string RenderTable(PolicyView view)
    {
        var rows = new List<(string Name, string Value)>
        {
            ("allowed paths", view.AllowedPaths.Count == 0 ? "none" : string.Join(", ", view.AllowedPaths)),
            ("allowed networks", view.AllowedNetworks.Count == 0 ? "none" : string.Join(", ", view.AllowedNetworks)),
            ("allowed scanners", view.AllowedScanners is null ? "every installed scanner" : string.Join(", ", view.AllowedScanners)),
        };
        var width = rows.Max(row => row.Name.Length) + 2;
        var lines = rows.Select(row => (row.Name + ":").PadRight(width) + row.Value).ToList();
        if (view.AllowedPaths.Count == 0 && view.AllowedNetworks.Count == 0)
        {
            lines.Add("nothing can be scanned until paths or networks are allowed ('secplat-agent policy set')");
        }

        return string.Join(Environment.NewLine, lines);
    }

    private async Task<AgentExitCode> ShowAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var stateDirectory = CommonOptions.ResolveStateDirectory(parseResult, _showStateDirectory, runtime);
        AgentPolicy policy;
        using (var store = AgentStateStore.OpenExisting(stateDirectory, runtime.Platform))
        {
            policy = store?.GetPolicy() ?? AgentPolicy.Nothing;
        }

        var view = ToView(policy);
        var text = parseResult.GetValue(_output) == "json" ? RenderJson(view) : RenderTable(view);
        await parseResult.InvocationConfiguration.Output.WriteLineAsync(text.AsMemory(), cancellationToken);
        return AgentExitCode.Ok;
    }

    private async Task<AgentExitCode> SetAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var policy = _policy.Parse(parseResult);
        var stateDirectory = CommonOptions.ResolveStateDirectory(parseResult, _setStateDirectory, runtime);
        using (var store = AgentStateStore.Open(stateDirectory, runtime.Platform))
        {
            store.SavePolicy(policy);
        }

        var error = parseResult.InvocationConfiguration.Error;
        foreach (var root in policy.PathRoots.Where(root => !Directory.Exists(root) && !File.Exists(root)))
        {
            await error.WriteLineAsync($"{CliAction.Prefix}warning: --allow-path {root} does not exist (yet); nothing under it can be scanned until it does");
        }

        await parseResult.InvocationConfiguration.Output.WriteLineAsync(RenderTable(ToView(policy)).AsMemory(), cancellationToken);
        return AgentExitCode.Ok;
    }
}
