using System.Reflection;
using System.Text;
using Google.Protobuf.Reflection;

namespace SecPlatform.Cli.Output;

/// <summary>
/// Maps protobuf enum values to the words users see and type: <c>AGENT_HEALTH_ONLINE</c> becomes
/// <c>online</c> (the enum's UPPER_SNAKE type prefix stripped, lowercased), and back.
/// </summary>
public static class ProtoEnumNames
{
    /// <summary>The word for a value; null for the <c>*_UNSPECIFIED</c> zero value, which means "not set".</summary>
    public static string? ToWord(EnumDescriptor enumType, int number)
    {
        var value = enumType.FindValueByNumber(number);
        return value is null ? number.ToString(System.Globalization.CultureInfo.InvariantCulture) : ToWord(enumType.Name, value.Name);
    }

    /// <summary>The word for a generated C# enum value (read from its <see cref="OriginalNameAttribute"/>).</summary>
    public static string? ToWord<TEnum>(TEnum value) where TEnum : struct, Enum
    {
        var member = typeof(TEnum).GetField(value.ToString(), BindingFlags.Public | BindingFlags.Static);
        var protoName = member?.GetCustomAttribute<OriginalNameAttribute>()?.Name;
        return protoName is null
            ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : ToWord(typeof(TEnum).Name, protoName);
    }

    public static string? ToWord(string enumTypeName, string valueName)
    {
        var prefix = ToUpperSnake(enumTypeName) + "_";
        var word = valueName.StartsWith(prefix, StringComparison.Ordinal) ? valueName[prefix.Length..] : valueName;
        return word == "UNSPECIFIED" ? null : word.ToLowerInvariant();
    }

    /// <summary>The generated C# value for a word (as <see cref="ToWord{TEnum}"/> prints it); false when none matches.</summary>
    public static bool TryFromWord<TEnum>(string word, out TEnum value) where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(ToWord(candidate), word, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The words of every set value (not the unspecified one), e.g. for help and errors.</summary>
    public static IReadOnlyList<string> Words<TEnum>() where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().Select(ToWord).OfType<string>().ToList();

    /// <summary><c>AgentHealth</c> → <c>AGENT_HEALTH</c>; <c>HTTPMethod</c> → <c>HTTP_METHOD</c>.</summary>
    public static string ToUpperSnake(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i > 0 && char.IsUpper(c)
                && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])
                    || (char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]))))
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(c));
        }

        return builder.ToString();
    }
}
