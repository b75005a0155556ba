using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace SecPlatform.Cli.Parsing;

/// <summary>
/// A moment given on the command line: an RFC 3339 time with its zone (<c>2025-06-01T12:00:00Z</c>,
/// <c>2025-06-01T14:00:00+02:00</c>), or a duration from now (<c>+10m</c>, <see cref="DurationParser"/>).
/// A relative moment is resolved when the command runs, not when its arguments are parsed.
/// </summary>
public sealed record PointInTime
{
    public const string Help = "an RFC 3339 time such as 2025-06-01T12:00:00Z, or +DURATION from now such as +10m";

    // A time without a zone would silently mean the local zone of whichever machine runs the CLI.
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
    ];

    private PointInTime(DateTimeOffset? at, TimeSpan? fromNow)
    {
        At = at;
        FromNow = fromNow;
    }

    /// <summary>The absolute time, when one was given.</summary>
    public DateTimeOffset? At { get; }

    /// <summary>The offset from now, when a relative time was given.</summary>
    public TimeSpan? FromNow { get; }

    public static bool TryParse(string? text, [NotNullWhen(true)] out PointInTime? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text.StartsWith('+'))
        {
            if (!DurationParser.TryParse(text[1..], out var duration))
            {
                return false;
            }

            value = new PointInTime(null, duration);
            return true;
        }

        // RFC 3339 allows lowercase 't' and 'z'.
        if (!DateTimeOffset.TryParseExact(text.ToUpperInvariant(), Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return false;
        }

        value = new PointInTime(at.ToUniversalTime(), null);
        return true;
    }

    /// <summary>The moment in UTC, taking relative times from <paramref name="now"/>.</summary>
    public DateTimeOffset Resolve(DateTimeOffset now) => At ?? (now + FromNow!.Value).ToUniversalTime();
}
