using System.Text.Json.Nodes;
using SecPlatform.Testing;

namespace SecPlatform.EndToEnd.Tests;

/// <summary>The admin CLI (<c>secplat</c>) as the tests use it: JSON output, asserted exit codes.</summary>
public static class ControlPlaneCli
{
    /// <summary>Runs <c>secplat ARGS --output json</c>, asserts it succeeded and parses what it printed.</summary>
    public static async Task<JsonNode> JsonAsync(this ControlPlaneProcess cp, params string[] args)
    {
        var result = await cp.CliAsync([.. args, "--output", "json"]);
        Assert.True(result.ExitCode == 0, $"secplat {string.Join(' ', args)}: {result}");
        return JsonNode.Parse(result.StdOut) ?? throw new InvalidOperationException("empty JSON");
    }

    /// <summary><c>secplat scans run</c>; returns the command id.</summary>
    public static async Task<string> EnqueueAsync(this ControlPlaneProcess cp, string tenant, string scanner, IReadOnlyDictionary<string, string> parameters,
        params string[] extra)
    {
        List<string> args = ["scans", "run", "--tenant", tenant, "--scanner", scanner];
        foreach (var (name, value) in parameters)
        {
            args.AddRange(["--param", $"{name}={value}"]);
        }

        var command = await cp.JsonAsync([.. args, .. extra]);
        return command["id"]!.GetValue<string>();
    }

    public static Task<JsonNode> GetCommandAsync(this ControlPlaneProcess cp, string id) => cp.JsonAsync("commands", "get", id);

    /// <summary>Follows the commands with <c>secplat commands watch</c> until all have finished, then reads them
    /// (one <c>commands list</c>), in the order of <paramref name="ids"/>.</summary>
    public static async Task<IReadOnlyList<JsonNode>> WaitFinishedAsync(this ControlPlaneProcess cp, string tenant, TimeSpan timeout, params string[] ids)
    {
        var seconds = (int)Math.Ceiling(timeout.TotalSeconds);
        var watch = await DotnetProcess.RunAsync(RepoPaths.Cli,
            ["--server", cp.BaseUrl, "--data-dir", cp.DataDir, "commands", "watch", .. ids, "--interval", "1s", "--timeout", $"{seconds}s"],
            timeout: timeout + TimeSpan.FromSeconds(30));
        // Exit 1 also means "finished, not all succeeded": the caller asserts on each command.
        Assert.False(watch.StdErr.Contains("commands not finished", StringComparison.Ordinal), $"commands did not finish: {watch}\n{cp.Log}");
        var listed = (await cp.JsonAsync("commands", "list", "--tenant", tenant, "--limit", "100"))["items"]!.AsArray()
            .Select(item => item!)
            .ToDictionary(command => command.Str("id"));
        return [.. ids.Select(id => listed[id])];
    }

    /// <summary>The findings the command's accepted run observed: <c>secplat findings list --tenant T --command ID</c>.</summary>
    public static async Task<IReadOnlyList<JsonNode>> FindingsAsync(this ControlPlaneProcess cp, string tenant, string commandId)
    {
        var list = await cp.JsonAsync("findings", "list", "--tenant", tenant, "--command", commandId, "--limit", "100");
        return [.. list["items"]!.AsArray().Select(item => item!)];
    }

    public static string Str(this JsonNode node, string name) => node[name]?.GetValue<string>() ?? "";

    public static long Long(this JsonNode node, string name) => node[name]?.GetValue<long>() ?? 0;
}
