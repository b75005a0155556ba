using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace SecPlatform.Cli.Versions;

/// <summary>
/// A version as SemVer 2.0 orders them (<c>MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]</c>): numbers compare numerically,
/// a pre-release is lower than its release, pre-release identifiers compare one by one (numeric below alphanumeric,
/// fewer below more), build metadata (the <c>+commit</c> the SDK appends) does not count.
/// </summary>
public sealed class SemanticVersion : IComparable<SemanticVersion>
{
    private readonly string[] _preRelease;

    private SemanticVersion(long major, long minor, long patch, string[] preRelease)
    {
        Major = major;
        Minor = minor;
        Patch = patch;
        _preRelease = preRelease;
    }

    public long Major { get; }

    public long Minor { get; }

    public long Patch { get; }

    public static bool TryParse(string? text, [NotNullWhen(true)] out SemanticVersion? version)
    {
        version = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var core = text.Trim().Split('+', 2)[0];
        var dash = core.IndexOf('-');
        var numbers = (dash < 0 ? core : core[..dash]).Split('.');
        var preRelease = dash < 0 ? [] : core[(dash + 1)..].Split('.');
        if (numbers.Length != 3 || preRelease.Any(part => part.Length == 0 || !part.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            return false;
        }

        var parsed = new long[3];
        for (var i = 0; i < 3; i++)
        {
            if (numbers[i].Length == 0 || !numbers[i].All(char.IsAsciiDigit)
                || !long.TryParse(numbers[i], NumberStyles.None, CultureInfo.InvariantCulture, out parsed[i]))
            {
                return false;
            }
        }

        version = new SemanticVersion(parsed[0], parsed[1], parsed[2], preRelease);
        return true;
    }

    public int CompareTo(SemanticVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var core = (Major, Minor, Patch).CompareTo((other.Major, other.Minor, other.Patch));
        if (core != 0)
        {
            return core;
        }

        // A release outranks any of its pre-releases.
        if (_preRelease.Length == 0 || other._preRelease.Length == 0)
        {
            return other._preRelease.Length.CompareTo(_preRelease.Length);
        }

        for (var i = 0; i < Math.Min(_preRelease.Length, other._preRelease.Length); i++)
        {
            var order = CompareIdentifiers(_preRelease[i], other._preRelease[i]);
            if (order != 0)
            {
                return order;
            }
        }

        return _preRelease.Length.CompareTo(other._preRelease.Length);
    }

    private static int CompareIdentifiers(string left, string right)
    {
        var leftNumeric = left.All(char.IsAsciiDigit);
        var rightNumeric = right.All(char.IsAsciiDigit);
        return (leftNumeric, rightNumeric) switch
        {
            // Numeric identifiers have no leading zeros in SemVer; compare by length first, so any size works.
            (true, true) => left.Length != right.Length ? left.Length.CompareTo(right.Length) : string.CompareOrdinal(left, right),
            (true, false) => -1,
            (false, true) => 1,
            _ => string.CompareOrdinal(left, right),
        };
    }

    /// <summary>True when both parse and <paramref name="version"/> is lower than <paramref name="reference"/>.</summary>
    public static bool IsOlder(string? version, string? reference) =>
        TryParse(version, out var parsed) && TryParse(reference, out var against) && parsed.CompareTo(against) < 0;
}
