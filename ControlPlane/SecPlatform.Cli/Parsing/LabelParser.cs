namespace SecPlatform.Cli.Parsing;

/// <summary>
/// Parses repeated <c>key=value</c> arguments (<c>--label</c>, <c>--param</c>) into a map. The split is
/// at the first '=', so a value may itself contain '=' (<c>--param query=a=b</c>).
/// </summary>
public static class LabelParser
{
    /// <summary>The labels, or an error naming the first bad argument.</summary>
    public static bool TryParse(IEnumerable<string>? arguments, out IReadOnlyDictionary<string, string> labels, out string? error) =>
        TryParse(arguments, "label", out labels, out error);

    /// <summary>The map, or an error naming the first bad argument as a <paramref name="noun"/> ("label", "parameter").</summary>
    public static bool TryParse(IEnumerable<string>? arguments, string noun, out IReadOnlyDictionary<string, string> map, out string? error)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        map = result;
        error = null;
        foreach (var argument in arguments ?? [])
        {
            var separator = argument.IndexOf('=');
            if (separator <= 0)
            {
                error = $"{noun} '{argument}' is not of the form key=value";
                return false;
            }

            var key = argument[..separator].Trim();
            var value = argument[(separator + 1)..].Trim();
            if (key.Length == 0)
            {
                error = $"{noun} '{argument}' has an empty key";
                return false;
            }

            // A key given twice is almost certainly a typo; silently keeping one would hide it.
            if (!result.TryAdd(key, value))
            {
                error = $"{noun} '{key}' is given more than once";
                return false;
            }
        }

        return true;
    }
}
