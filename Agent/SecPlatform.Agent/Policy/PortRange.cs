using System.Globalization;
using SecPlatform.Contracts.Scanners;

namespace SecPlatform.Agent.Policy;

/// <summary>An inclusive range of TCP/UDP ports (a single port is a range of one).</summary>
public readonly record struct PortRange(int From, int To)
{
    public bool Contains(int port) => port >= From && port <= To;

    public override string ToString() => From == To
        ? From.ToString(CultureInfo.InvariantCulture)
        : $"{From.ToString(CultureInfo.InvariantCulture)}-{To.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses <c>22,80,8000-8100</c> with the contract's syntax rules.</summary>
    public static bool TryParseList(string text, out IReadOnlyList<PortRange> ranges, out string? error)
    {
        if (!ParameterSyntax.TryParsePorts(text, out var parsed, out error))
        {
            ranges = [];
            return false;
        }

        ranges = [.. parsed.Select(range => new PortRange(range.From, range.To))];
        return true;
    }

    /// <summary>True when every port of <paramref name="requested"/> lies in one of <paramref name="allowed"/>.</summary>
    public static bool Covers(IEnumerable<PortRange> allowed, IEnumerable<PortRange> requested)
    {
        var merged = Merge(allowed);
        return requested.All(range => merged.Any(a => a.From <= range.From && a.To >= range.To));
    }

    private static List<PortRange> Merge(IEnumerable<PortRange> ranges)
    {
        var merged = new List<PortRange>();
        foreach (var range in ranges.OrderBy(r => r.From))
        {
            if (merged.Count > 0 && range.From <= merged[^1].To + 1)
            {
                merged[^1] = merged[^1] with { To = Math.Max(merged[^1].To, range.To) };
            }
            else
            {
                merged.Add(range);
            }
        }

        return merged;
    }
}
