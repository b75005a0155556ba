using System.Globalization;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;

namespace SecPlatform.Cli.Output;

/// <summary>Table cell text, formatted as the JSON converter formats the same values.</summary>
public static class CellFormat
{
    public static string? Time(Timestamp? timestamp) => TimeFormat.ToRfc3339(timestamp);

    public static string? Word<TEnum>(TEnum value) where TEnum : struct, System.Enum => ProtoEnumNames.ToWord(value);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Labels(MapField<string, string> labels) =>
        string.Join(",", labels.OrderBy(label => label.Key, StringComparer.Ordinal).Select(label => $"{label.Key}={label.Value}"));

    /// <summary>The names of the set flags, comma-separated ("cordoned,draining").</summary>
    public static string Flags(params (string Name, bool Set)[] flags) =>
        string.Join(",", flags.Where(flag => flag.Set).Select(flag => flag.Name));
}
