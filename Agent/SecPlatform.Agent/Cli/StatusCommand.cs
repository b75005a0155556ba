using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using SecPlatform.Agent.Hosting;
using SecPlatform.Agent.Outbox;
using SecPlatform.Agent.State;

namespace SecPlatform.Agent.Cli;

/// <summary>
/// <c>secplat-agent status [--state-dir DIR] [--output table|json]</c>: the identity, the last lease state and
/// what waits in the outbox, from the local state file, without asking the control plane. Never prints the key.
/// </summary>
public sealed class StatusCommand(AgentRuntime runtime)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private readonly Option<string?> _stateDirectory = CommonOptions.StateDirectory();
    private readonly Option<string> _output = new Option<string>("--output")
    {
        Description = "Output format",
        DefaultValueFactory = _ => "table",
    }.AcceptOnlyFromAmong("table", "json");

    public Command Create()
    {
        var command = new Command("status", "Show this agent's identity and last known lease state") { _stateDirectory, _output };
        command.SetAction(CliAction.Of(ExecuteAsync));
        return command;
    }

    public static AgentStatusView ToView(AgentIdentity identity, LeaseState? lease, string stateDirectory, OutboxTotals? outbox = null) => new(
        identity.AgentId,
        identity.Name,
        identity.Hostname,
        identity.Server.ToString(),
        identity.TenantId,
        identity.Platform,
        identity.Labels,
        [.. identity.Capabilities.Select(c => new CapabilityView(c.Scanner, c.Version))],
        identity.RegisteredAt,
        stateDirectory,
        lease is null
            ? null
            : new LeaseStatusView(lease.HolderIdentity, lease.LastRenewAt, lease.LastRenewSentAt, lease.ServerRenewTime,
                lease.LeaseDurationSeconds, lease.RenewIntervalSeconds, lease.Transitions, lease.Drain, lease.Cordoned),
        outbox is null ? null : new OutboxStatusView(outbox.Batches, outbox.Findings, outbox.Bytes, outbox.Completions),
        identity.ServerPin);

    public static string RenderJson(AgentStatusView view) => JsonSerializer.Serialize(view, Json);

    public static string RenderTable(AgentStatusView view)
    {
        var rows = new List<(string Name, string Value)>
        {
            ("agent id", view.AgentId),
            ("name", view.Name),
            ("hostname", view.Hostname),
            ("server", view.Server),
            ("server pin", view.ServerPin ?? "-"),
            ("scope", view.Platform ? "platform" : $"tenant {view.TenantId}"),
            ("labels", view.Labels.Count == 0 ? "-" : string.Join(", ", view.Labels.Select(l => $"{l.Key}={l.Value}"))),
            ("capabilities", view.Capabilities.Count == 0 ? "-" : string.Join(", ", view.Capabilities.Select(c => $"{c.Scanner} {c.Version}"))),
            ("registered at", Time(view.RegisteredAt)),
            ("state directory", view.StateDirectory),
        };

        if (view.Lease is { } lease)
        {
            rows.AddRange(
            [
                ("lease holder", lease.HolderIdentity),
                ("last renew", $"{Time(lease.LastRenewAt)} (local clock)"),
                ("lease duration", $"{lease.LeaseDurationSeconds} s"),
                ("renew interval", $"{lease.RenewIntervalSeconds} s"),
                ("transitions", lease.Transitions.ToString(CultureInfo.InvariantCulture)),
                ("drain", lease.Drain ? "yes" : "no"),
                ("cordoned", lease.Cordoned ? "yes" : "no"),
            ]);
        }
        else
        {
            rows.Add(("lease", "never renewed on this machine (is 'secplat-agent run' running?)"));
        }

        if (view.Outbox is { } outbox)
        {
            rows.Add(("outbox", $"{outbox.Findings} findings in {outbox.Batches} batches ({outbox.Bytes} bytes), {outbox.Completions} completions to deliver"));
        }

        var width = rows.Max(row => row.Name.Length) + 2;
        return string.Join(Environment.NewLine, rows.Select(row => (row.Name + ":").PadRight(width) + row.Value));
    }

    private static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private async Task<AgentExitCode> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var stateDirectory = CommonOptions.ResolveStateDirectory(parseResult, _stateDirectory, runtime);
        using var store = CommonOptions.OpenRegisteredStore(stateDirectory, runtime, out var identity);
        var view = ToView(identity, store.GetLease(), stateDirectory, store.GetOutboxTotals());
        var text = parseResult.GetValue(_output) == "json" ? RenderJson(view) : RenderTable(view);
        await parseResult.InvocationConfiguration.Output.WriteLineAsync(text.AsMemory(), cancellationToken);
        return AgentExitCode.Ok;
    }
}
