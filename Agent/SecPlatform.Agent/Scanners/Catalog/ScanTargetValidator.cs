using System.Net;
using System.Net.Sockets;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Policy;
using SecPlatform.Contracts.Scanners;

namespace SecPlatform.Agent.Scanners.Catalog;

/// <summary>
/// Checks a scan's parameters beyond their syntax, against the local policy, before anything runs:
/// <list type="bullet">
/// <item>syntax first, with the contract's rules (<see cref="ScannerCatalog.Validate"/>: absolute paths, no '..',
/// no control characters or NUL, no leading '-', bounded lengths);</item>
/// <item>a path must lie under an allowed root as written (checked before the file system is touched, so a refusal
/// never tells whether something outside the roots exists), must exist, and its real path (every symbolic link
/// resolved) must lie under an allowed root's real path: a link that escapes a root is refused;</item>
/// <item>a host must be an address inside an allowed network, or a name that resolves (once) only to addresses
/// inside them; the address is what gets scanned, so the name cannot resolve elsewhere later;</item>
/// <item>ports must lie within the ports the matching network rules allow.</item>
/// </list>
/// </summary>
public sealed class ScanTargetValidator(IAgentPlatform platform, IHostResolver resolver, TimeProvider timeProvider)
{
    public static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(10);

    private const int MaxReasonChars = 600;

    public async Task<TargetValidation> ValidateAsync(ScannerSpec spec, IReadOnlyDictionary<string, string> parameters, AgentPolicy policy, CancellationToken cancellationToken)
    {
        var problems = ScannerCatalog.Validate(spec, parameters);
        if (problems.Count > 0)
        {
            return Refuse(string.Join("; ", problems));
        }

        var target = new ScanTarget();
        foreach (var parameter in spec.Parameters)
        {
            if (!parameters.TryGetValue(parameter.Name, out var value))
            {
                continue;
            }

            switch (parameter.Kind)
            {
                case ParameterKind.Path:
                    var (path, isDirectory, pathProblem) = CheckPath(value, policy);
                    if (pathProblem is not null)
                    {
                        return Refuse($"parameter '{parameter.Name}' {pathProblem}");
                    }

                    target = target with { Path = path, IsDirectory = isDirectory };
                    break;
                case ParameterKind.Host:
                    var (address, hostProblem) = await CheckHostAsync(value, policy, cancellationToken);
                    if (hostProblem is not null)
                    {
                        return Refuse($"parameter '{parameter.Name}' {hostProblem}");
                    }

                    target = target with { Host = value, Address = address };
                    break;
                case ParameterKind.Ports:
                    PortRange.TryParseList(value, out var ports, out _);
                    target = target with { Ports = ports };
                    break;
            }
        }

        if (target is { Address: { } scanned, Ports: { } requested })
        {
            var allowed = policy.Networks.Where(rule => rule.Contains(scanned)).SelectMany(rule => rule.AllowedPorts).ToList();
            if (!PortRange.Covers(allowed, requested))
            {
                return Refuse($"ports {target.PortList} are not all allowed for {scanned} by the local policy (allowed: {string.Join(',', allowed)})");
            }
        }

        return TargetValidation.Accept(target);
    }

    private (string? Path, bool IsDirectory, string? Problem) CheckPath(string value, AgentPolicy policy)
    {
        if (policy.PathRoots.Count == 0)
        {
            return (null, false, "is a path, and the local policy allows no path (the agent's installer sets --allow-path)");
        }

        if (!Path.IsPathFullyQualified(value))
        {
            return (null, false, $"'{Shorten(value)}' is not an absolute path on this system");
        }

        var roots = policy.PathRoots
            .Select(root => (Configured: root, Real: platform.RealPath(root)))
            .ToList();
        var requested = Path.TrimEndingDirectorySeparator(Path.GetFullPath(value));
        if (!roots.Any(root => IsUnder(requested, root.Configured) || (root.Real is not null && IsUnder(requested, root.Real))))
        {
            return (null, false, $"'{Shorten(value)}' is outside the allowed path roots ({string.Join(", ", policy.PathRoots)})");
        }

        var real = platform.RealPath(requested);
        if (real is null)
        {
            return (null, false, $"'{Shorten(value)}' does not exist (or cannot be read by the agent)");
        }

        if (!roots.Any(root => root.Real is not null && IsUnder(real, root.Real)))
        {
            return (null, false, $"'{Shorten(value)}' resolves through a symbolic link to '{Shorten(real)}', outside the allowed path roots");
        }

        if (Directory.Exists(real))
        {
            return (real, true, null);
        }

        return File.Exists(real) ? (real, false, null) : (null, false, $"'{Shorten(value)}' is neither a file nor a directory");
    }

    private async Task<(IPAddress? Address, string? Problem)> CheckHostAsync(string value, AgentPolicy policy, CancellationToken cancellationToken)
    {
        if (policy.Networks.Count == 0)
        {
            return (null, "is a host, and the local policy allows no network (the agent's installer sets --allow-cidr)");
        }

        IReadOnlyList<IPAddress> addresses;
        if (IPAddress.TryParse(value, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            using var timeout = new CancellationTokenSource(ResolveTimeout, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                addresses = await resolver.ResolveAsync(value, linked.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (null, $"'{value}' did not resolve within {ResolveTimeout.TotalSeconds:0} s");
            }
            catch (SocketException e)
            {
                return (null, $"'{value}' does not resolve ({e.SocketErrorCode})");
            }
        }

        var normalized = addresses.Select(NetworkRule.Normalize).Distinct().ToList();
        if (normalized.Count == 0)
        {
            return (null, $"'{value}' resolves to no address");
        }

        var outside = normalized.Where(address => !policy.Networks.Any(rule => rule.Contains(address))).ToList();
        if (outside.Count > 0)
        {
            var what = literal is null ? $"'{value}' resolves to {string.Join(", ", outside.Take(5))}, " : $"{outside[0]} is ";
            return (null, what + "outside the allowed networks (" + string.Join(", ", policy.Networks.Select(rule => rule.Network)) + ")");
        }

        return (normalized.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? normalized[0], null);
    }

    private bool IsUnder(string path, string root)
    {
        root = Path.TrimEndingDirectorySeparator(root);
        if (path.Equals(root, platform.PathComparison))
        {
            return true;
        }

        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, platform.PathComparison);
    }

    private static TargetValidation Refuse(string reason) =>
        TargetValidation.Refuse(reason.Length <= MaxReasonChars ? reason : reason[..MaxReasonChars] + "...");

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";
}
