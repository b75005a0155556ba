using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// A keyset position in a sorted finding list: the sort it was issued for, the sort fields of the last finding of a
/// page, and its id. Encoded as <c>f1.</c> + base64url of a JSON array, so the next request can be checked to use
/// the same sort (a position means nothing in another order).
/// </summary>
public sealed record FindingCursor(FindingSort Sort, FindingSortValues Values, string Id)
{
    private const string Prefix = "f1.";

    public static FindingCursor After(FindingSort sort, Finding finding) => new(sort, FindingSortValues.Of(finding), finding.Id);

    public string Encode()
    {
        var parts = new List<object> { Sort.ToString() };
        foreach (var key in Sort.Keys)
        {
            parts.Add(key.Field switch
            {
                FindingSortField.FirstSeen => Values.FirstSeen.UtcTicks,
                FindingSortField.LastSeen => Values.LastSeen.UtcTicks,
                FindingSortField.Severity => (int)Values.Severity,
                FindingSortField.Occurrences => Values.Occurrences,
                FindingSortField.Status => Values.Status,
                FindingSortField.Rule => Values.RuleId,
                FindingSortField.Scanner => Values.Scanner,
                _ => throw new ArgumentOutOfRangeException(nameof(key), key.Field, "unknown sort field"),
            });
        }

        parts.Add(Id);
        return Prefix + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(parts));
    }

    /// <summary>
    /// Decodes a page token for a list in <paramref name="sort"/>; empty text is no cursor. A token of another sort,
    /// or no token at all, is refused with an error that says what to do. Tokens of the (first seen, id) lists from
    /// before sorting existed still work for the default sort.
    /// </summary>
    public static bool TryDecode(string? text, FindingSort sort, out FindingCursor? cursor, [NotNullWhen(false)] out string? error)
    {
        cursor = null;
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            if (sort.IsDefault && PageCursor.TryDecode(text, out var legacy) && legacy is not null)
            {
                cursor = new FindingCursor(sort, new FindingSortValues(FirstSeen: legacy.CreatedAt), legacy.Id);
                return true;
            }

            error = "page_token is not a cursor from a previous page";
            return false;
        }

        JsonElement[] parts;
        try
        {
            parts = JsonSerializer.Deserialize<JsonElement[]>(Base64Url.DecodeFromChars(text.AsSpan(Prefix.Length))) ?? [];
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            error = "page_token is not a cursor from a previous page";
            return false;
        }

        if (parts.Length < 2 || parts[0].ValueKind != JsonValueKind.String || !FindingSort.TryParse(parts[0].GetString(), out var issuedFor, out _))
        {
            error = "page_token is not a cursor from a previous page";
            return false;
        }

        if (!issuedFor.Equals(sort))
        {
            error = $"page_token belongs to a list sorted by '{issuedFor}', not '{sort}': repeat the request with that sort, or start again without a page token";
            return false;
        }

        if (parts.Length != sort.Keys.Count + 2 || parts[^1].ValueKind != JsonValueKind.String)
        {
            error = "page_token is not a cursor from a previous page";
            return false;
        }

        try
        {
            var values = new FindingSortValues();
            for (var i = 0; i < sort.Keys.Count; i++)
            {
                var part = parts[i + 1];
                values = sort.Keys[i].Field switch
                {
                    FindingSortField.FirstSeen => values with { FirstSeen = Time(part.GetInt64()) },
                    FindingSortField.LastSeen => values with { LastSeen = Time(part.GetInt64()) },
                    FindingSortField.Severity => values with { Severity = (Severity)part.GetInt32() },
                    FindingSortField.Occurrences => values with { Occurrences = part.GetInt64() },
                    FindingSortField.Status => values with { Status = part.GetString()! },
                    FindingSortField.Rule => values with { RuleId = part.GetString()! },
                    FindingSortField.Scanner => values with { Scanner = part.GetString()! },
                    _ => throw new FormatException("unknown sort field"),
                };
            }

            cursor = new FindingCursor(sort, values, parts[^1].GetString()!);
            return true;
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            error = "page_token is not a cursor from a previous page";
            return false;
        }
    }

    private static DateTimeOffset Time(long ticks) => new(ticks, TimeSpan.Zero);
}
