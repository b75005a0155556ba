using System.CommandLine;
using System.Reflection;
using System.Text.Json.Nodes;

namespace SecPlatform.Cli.Commands;

/// <summary><c>secplat version</c>: the CLI's version (and the commit it was built from, when known).</summary>
public static class VersionCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("version", "Show the CLI version");
        runner.Attach(command, (context, _) =>
        {
            var (version, commit) = Current();
            if (context.Output.IsJson)
            {
                context.Output.WriteJson(new JsonObject { ["version"] = version, ["commit"] = commit });
            }
            else
            {
                context.Output.Text.WriteLine(commit is null ? $"secplat {version}" : $"secplat {version} (commit {commit})");
            }

            return Task.CompletedTask;
        });
        return command;
    }

    /// <summary>The informational version split at '+' (the SDK appends the source commit there).</summary>
    public static (string Version, string? Commit) Current()
    {
        var assembly = typeof(VersionCommand).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "0.0.0";
        var plus = informational.IndexOf('+');
        return plus < 0 ? (informational, null) : (informational[..plus], informational[(plus + 1)..]);
    }
}
