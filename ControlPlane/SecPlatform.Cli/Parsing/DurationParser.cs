using System.Diagnostics.CodeAnalysis;

namespace SecPlatform.Cli.Parsing;

/// <summary>
/// Parses durations such as <c>90s</c>, <c>30m</c>, <c>1h</c>, <c>7d</c> and <c>1h30m</c>: one or more
/// whole numbers each followed by a unit (d, h, m, s), largest unit first, each unit at most once.
/// </summary>
public static class DurationParser
{
    private static readonly (char Unit, TimeSpan Size)[] Units =
    [
        ('d', TimeSpan.FromDays(1)),
        ('h', TimeSpan.FromHours(1)),
        ('m', TimeSpan.FromMinutes(1)),
        ('s', TimeSpan.FromSeconds(1)),
    ];

    public const string Help = "a duration such as 90s, 30m, 1h, 7d or 1h30m";

    public static bool TryParse(string? text, [NotNullWhen(true)] out TimeSpan? duration)
    {
        duration = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var total = TimeSpan.Zero;
        var nextUnit = 0;
        var position = 0;
        while (position < text.Length)
        {
            var start = position;
            while (position < text.Length && char.IsAsciiDigit(text[position]))
            {
                position++;
            }

            // A number needs a unit: "90" alone is ambiguous (seconds? minutes?), so refuse it.
            if (position == start || position == text.Length
                || !long.TryParse(text.AsSpan(start, position - start), out var amount))
            {
                return false;
            }

            var unit = Array.FindIndex(Units, u => u.Unit == char.ToLowerInvariant(text[position]));
            if (unit < nextUnit)
            {
                return false;
            }

            try
            {
                total = checked(total + Units[unit].Size * amount);
            }
            catch (Exception e) when (e is OverflowException or ArgumentException)
            {
                return false;
            }

            nextUnit = unit + 1;
            position++;
        }

        if (total <= TimeSpan.Zero)
        {
            return false;
        }

        duration = total;
        return true;
    }

    /// <summary>The text <see cref="TryParse"/> reads back as the same duration (whole seconds): <c>1h30m</c>, <c>45s</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        var remaining = (long)Math.Max(1, Math.Round(duration.TotalSeconds));
        var text = new System.Text.StringBuilder();
        foreach (var (unit, size) in Units)
        {
            var seconds = (long)size.TotalSeconds;
            if (remaining >= seconds)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{remaining / seconds}{unit}");
                remaining %= seconds;
            }
        }

        return text.ToString();
    }
}
