using SecPlatform.Contracts.Scanners;

namespace SecPlatform.Agent.Policy;

/// <summary>
/// The local policy, set by whoever installs the agent (<c>register --allow-*</c>, <c>policy set</c>) and never
/// widened by the control plane: the path roots scanners may read, the networks (and ports) they may probe, and
/// the scanners that may run. The default allows no path and no network, so nothing runs until someone says what
/// may; <see cref="Scanners"/> null means every installed catalog scanner.
/// </summary>
public sealed record AgentPolicy(IReadOnlyList<string> PathRoots, IReadOnlyList<NetworkRule> Networks, IReadOnlyList<string>? Scanners)
{
    public static AgentPolicy Nothing { get; } = new([], [], null);

    public bool AllowsScanner(string scannerId) => Scanners is null || Scanners.Contains(scannerId, StringComparer.Ordinal);

    /// <summary>Builds a policy from option values, refusing anything malformed (<see cref="AgentPolicyException"/>).</summary>
    /// <param name="scanners">Null or empty: every installed scanner.</param>
    /// <param name="knownScanners">Ids a scanner option may name.</param>
    public static AgentPolicy Create(IEnumerable<string> paths, IEnumerable<string> networks, IEnumerable<string>? scanners, IEnumerable<string> knownScanners)
    {
        var roots = new List<string>();
        foreach (var path in paths)
        {
            if (ParameterSyntax.CheckPath(path) is { } problem)
            {
                throw new AgentPolicyException($"--allow-path '{Shorten(path)}' {problem}");
            }

            if (!Path.IsPathFullyQualified(path))
            {
                throw new AgentPolicyException($"--allow-path '{Shorten(path)}' is not an absolute path on this system");
            }

            var full = NormalizeRoot(path);
            if (!roots.Contains(full, StringComparer.Ordinal))
            {
                roots.Add(full);
            }
        }

        var rules = new List<NetworkRule>();
        foreach (var network in networks)
        {
            if (!NetworkRule.TryParse(network, out var rule, out var error))
            {
                throw new AgentPolicyException($"--allow-cidr: {error}");
            }

            rules.Add(rule);
        }

        var known = knownScanners.ToHashSet(StringComparer.Ordinal);
        var scannerList = scanners?.Select(s => s.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        foreach (var scanner in scannerList ?? [])
        {
            if (!known.Contains(scanner))
            {
                throw new AgentPolicyException($"--allow-scanner '{Shorten(scanner)}' is not a catalog scanner (known: {string.Join(", ", known.Order(StringComparer.Ordinal))})");
            }
        }

        return new AgentPolicy(roots, rules, scannerList is { Count: > 0 } ? scannerList : null);
    }

    /// <summary>An absolute root without a trailing separator (except the file-system root itself).</summary>
    public static string NormalizeRoot(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "...";
}
