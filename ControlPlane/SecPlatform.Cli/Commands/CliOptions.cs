using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using SecPlatform.Cli.Parsing;

namespace SecPlatform.Cli.Commands;

/// <summary>Builders for options several commands share, with their validation.</summary>
public static class CliOptions
{
    /// <summary><c>--tenant NAME|ID</c>: passed through as given; the server resolves names and ids.</summary>
    public static Option<string?> Tenant(string description) => new("--tenant")
    {
        Description = description,
        HelpName = "NAME|ID",
    };

    /// <summary>A whole number of at least 1; 0 means "not given".</summary>
    public static Option<int> PositiveNumber(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = result => ParsePositive(result, name),
    };

    /// <summary>A whole number of at least 1; 0 means "not given".</summary>
    public static Option<long> PositiveLong(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return 0;
            }

            if (long.TryParse(result.Tokens[0].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                return value;
            }

            result.AddError($"{name} must be a whole number of at least 1, not '{result.Tokens[0].Value}'");
            return 0;
        },
    };

    /// <summary>A duration (<see cref="DurationParser"/>), at most <paramref name="maximum"/> when given; null when not given.</summary>
    public static Option<TimeSpan?> Duration(string name, string description, TimeSpan? maximum = null) => new(name)
    {
        Description = $"{description} ({DurationParser.Help})",
        HelpName = "DURATION",
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return null;
            }

            if (DurationParser.TryParse(result.Tokens[0].Value, out var duration))
            {
                if (duration > maximum)
                {
                    result.AddError($"{name} must be at most {DurationParser.Format(maximum.Value)}, not '{result.Tokens[0].Value}'");
                    return null;
                }

                return duration;
            }

            result.AddError($"{name} takes {DurationParser.Help}, not '{result.Tokens[0].Value}'");
            return null;
        },
    };

    /// <summary>A whole number that may be negative or zero; 0 when not given.</summary>
    public static Option<int> Integer(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return 0;
            }

            if (int.TryParse(result.Tokens[0].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            result.AddError($"{name} must be a whole number, not '{result.Tokens[0].Value}'");
            return 0;
        },
    };

    /// <summary>A moment, absolute or relative to now (<see cref="Parsing.PointInTime"/>); null when not given.</summary>
    public static Option<PointInTime?> PointInTime(string name, string description) => new(name)
    {
        Description = $"{description} ({Parsing.PointInTime.Help})",
        HelpName = "TIME|+DURATION",
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return null;
            }

            if (Parsing.PointInTime.TryParse(result.Tokens[0].Value, out var value))
            {
                return value;
            }

            result.AddError($"{name} takes {Parsing.PointInTime.Help}, not '{result.Tokens[0].Value}'");
            return null;
        },
    };

    /// <summary>A repeatable <c>key=value</c> option, validated by <see cref="LabelParser"/>.</summary>
    public static Option<string[]> Labels(string name, string description) => KeyValues(name, description, "label");

    /// <summary>
    /// A repeatable <c>key=value</c> option whose errors call each argument a <paramref name="noun"/>;
    /// split at the first '=' (<see cref="LabelParser"/>).
    /// </summary>
    public static Option<string[]> KeyValues(string name, string description, string noun)
    {
        var option = new Option<string[]>(name)
        {
            Description = description,
            HelpName = "KEY=VALUE",
            AllowMultipleArgumentsPerToken = false,
        };
        option.Validators.Add(result =>
        {
            if (!LabelParser.TryParse(result.GetValueOrDefault<string[]>(), noun, out _, out var error))
            {
                result.AddError(error!);
            }
        });
        return option;
    }

    /// <summary>The map of a validated <see cref="KeyValues"/> option (empty when not given).</summary>
    public static Dictionary<string, string> KeyValueMap(CommandContext context, Option<string[]> option)
    {
        LabelParser.TryParse(context.GetValue(option), out var map, out _);
        return map.ToDictionary(StringComparer.Ordinal);
    }

    private static int ParsePositive(ArgumentResult result, string name)
    {
        if (result.Tokens.Count == 0)
        {
            return 0;
        }

        if (int.TryParse(result.Tokens[0].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
        {
            return value;
        }

        result.AddError($"{name} must be a whole number of at least 1, not '{result.Tokens[0].Value}'");
        return 0;
    }
}
