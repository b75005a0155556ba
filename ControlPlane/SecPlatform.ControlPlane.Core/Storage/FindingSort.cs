using System.Diagnostics.CodeAnalysis;
using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// The order of a finding list: one to <see cref="MaxKeys"/> keys, then the finding id, which makes the order total
/// (so keyset pages never skip or repeat a finding). The id runs in the direction of the last key, so a sort whose
/// keys share one direction is one index scan, forwards or backwards. Written as <c>severity,-last_seen</c>: field
/// names, comma-separated, <c>-</c> for descending.
/// </summary>
public sealed record FindingSort
{
    public const int MaxKeys = 3;

    private static readonly Dictionary<string, FindingSortField> Names = new(StringComparer.Ordinal)
    {
        ["first_seen"] = FindingSortField.FirstSeen,
        ["last_seen"] = FindingSortField.LastSeen,
        ["severity"] = FindingSortField.Severity,
        ["occurrences"] = FindingSortField.Occurrences,
        ["status"] = FindingSortField.Status,
        ["rule"] = FindingSortField.Rule,
        ["scanner"] = FindingSortField.Scanner,
    };

    /// <summary>The field names <see cref="TryParse"/> accepts.</summary>
    public static IReadOnlyCollection<string> FieldNames => Names.Keys;

    /// <summary>Oldest first: (first seen, id), the order of lists without a sort.</summary>
    public static FindingSort Default { get; } = new([new FindingSortKey(FindingSortField.FirstSeen, false)]);

    private FindingSort(IReadOnlyList<FindingSortKey> keys) => Keys = keys;

    public IReadOnlyList<FindingSortKey> Keys { get; }

    /// <summary>Whether the id, the final key, runs descending.</summary>
    public bool IdDescending => Keys[^1].Descending;

    public bool IsDefault => Equals(Default);

    /// <summary>The canonical text (lowercase names, no spaces), which cursors carry to be checked against the next request's sort.</summary>
    public override string ToString() =>
        string.Join(",", Keys.Select(k => (k.Descending ? "-" : "") + Names.First(n => n.Value == k.Field).Key));

    public bool Equals(FindingSort? other) => other is not null && Keys.SequenceEqual(other.Keys);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    /// <summary>Parses <c>severity,-last_seen</c>; empty text is <see cref="Default"/>. The error says what is wrong and what is allowed.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out FindingSort? sort, [NotNullWhen(false)] out string? error)
    {
        sort = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            sort = Default;
            return true;
        }

        var allowed = $"fields: {string.Join(", ", Names.Keys)}, comma-separated, '-' before a field for descending, at most {MaxKeys}";
        var keys = new List<FindingSortKey>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var descending = part.StartsWith('-');
            var name = (descending || part.StartsWith('+') ? part[1..] : part).ToLowerInvariant();
            if (!Names.TryGetValue(name, out var field))
            {
                error = $"sort: unknown field '{part}' ({allowed})";
                return false;
            }

            if (keys.Any(k => k.Field == field))
            {
                error = $"sort: '{name}' is given twice";
                return false;
            }

            keys.Add(new FindingSortKey(field, descending));
        }

        if (keys.Count > MaxKeys)
        {
            error = $"sort: too many fields ({allowed})";
            return false;
        }

        sort = new FindingSort(keys);
        return true;
    }

    /// <summary>Compares two findings in this order (ties broken by id): for stores that sort in memory.</summary>
    public int Compare(Finding a, Finding b) => Compare(FindingSortValues.Of(a), a.Id, FindingSortValues.Of(b), b.Id);

    /// <summary>Whether <paramref name="finding"/> comes after the cursor's position in this order.</summary>
    public bool IsAfter(Finding finding, FindingCursor cursor) =>
        Compare(FindingSortValues.Of(finding), finding.Id, cursor.Values, cursor.Id) > 0;

    private int Compare(FindingSortValues a, string aId, FindingSortValues b, string bId)
    {
        foreach (var key in Keys)
        {
            var order = key.Field switch
            {
                FindingSortField.FirstSeen => a.FirstSeen.CompareTo(b.FirstSeen),
                FindingSortField.LastSeen => a.LastSeen.CompareTo(b.LastSeen),
                FindingSortField.Severity => ((int)a.Severity).CompareTo((int)b.Severity),
                FindingSortField.Occurrences => a.Occurrences.CompareTo(b.Occurrences),
                FindingSortField.Status => string.CompareOrdinal(a.Status, b.Status),
                FindingSortField.Rule => string.CompareOrdinal(a.RuleId, b.RuleId),
                FindingSortField.Scanner => string.CompareOrdinal(a.Scanner, b.Scanner),
                _ => throw new ArgumentOutOfRangeException(nameof(key), key.Field, "unknown sort field"),
            };
            if (order != 0)
            {
                return key.Descending ? -order : order;
            }
        }

        var byId = string.CompareOrdinal(aId, bId);
        return IdDescending ? -byId : byId;
    }
}
