using System.Globalization;
using Google.Protobuf.WellKnownTypes;

namespace SecPlatform.Cli.Output;

/// <summary>RFC 3339 UTC text for timestamps, the one format of both JSON and table output.</summary>
public static class TimeFormat
{
    // 'F' digits drop trailing zeros (and the dot when the fraction is zero): 2025-01-02T03:04:05Z.
    private const string Rfc3339 = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'";

    public static string? ToRfc3339(Timestamp? timestamp)
    {
        if (timestamp is null)
        {
            return null;
        }

        // A zero timestamp is how some writers say "unset" in proto3; treat it as such.
        if (timestamp.Seconds == 0 && timestamp.Nanos == 0)
        {
            return null;
        }

        try
        {
            return ToRfc3339(timestamp.ToDateTime());
        }
        catch (InvalidOperationException)
        {
            // Outside the range protobuf allows: show the raw value rather than fail the whole output.
            return timestamp.ToString();
        }
    }

    public static string ToRfc3339(DateTime utc) =>
        utc.ToUniversalTime().ToString(Rfc3339, CultureInfo.InvariantCulture);

    public static string ToRfc3339(DateTimeOffset time) => ToRfc3339(time.UtcDateTime);
}
