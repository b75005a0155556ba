using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>
/// The scope of a finished command, from what the server knows: its tenant, scanner and parameters, and the
/// hostname the agent registered with. File scanners (a <c>path</c> parameter) cover the agent's host and files
/// under that path (the agent names file findings' host after its registered hostname); network scanners (a
/// <c>host</c> parameter) cover that host as requested. Anything else has no scope and resolves nothing.
/// </summary>
public static class FindingScope
{
    public static ResolveScope? Of(Command command, Agent agent, DateTimeOffset now)
    {
        if (command.Parameters.TryGetValue("path", out var path))
        {
            var prefix = NormalizePath(path);
            return prefix is null || string.IsNullOrEmpty(agent.Hostname)
                ? null
                : new ResolveScope(command.TenantId, command.Id, command.Attempt, command.Scanner, agent.Hostname, prefix, now);
        }

        if (command.Parameters.TryGetValue("host", out var host) && !string.IsNullOrWhiteSpace(host))
        {
            return new ResolveScope(command.TenantId, command.Id, command.Attempt, command.Scanner, host, null, now);
        }

        return null;
    }

    /// <summary>An absolute path without its trailing separators (a root keeps its own); null when not absolute.</summary>
    private static string? NormalizePath(string path)
    {
        var unixRooted = path.StartsWith('/');
        var windowsRooted = path.Length >= 3 && char.IsAsciiLetter(path[0]) && path[1] == ':' && path[2] is '\\' or '/';
        if (!unixRooted && !windowsRooted)
        {
            return null;
        }

        var trimmed = path.TrimEnd('/', '\\');
        return unixRooted && trimmed.Length == 0 ? "/" : windowsRooted && trimmed.Length == 2 ? path[..3] : trimmed;
    }
}
