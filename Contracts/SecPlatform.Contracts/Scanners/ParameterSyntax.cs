using System.Net;

namespace SecPlatform.Contracts.Scanners;

/// <summary>
/// Syntax checks of parameter values, shared by the control plane (at enqueue time) and the agent
/// (which also checks what only it can: existence, allowed roots and networks). Values that could be
/// read as options (a leading '-'), traversal ('..'), control characters and NUL are refused here.
/// </summary>
public static class ParameterSyntax
{
    public const int MaxPathLength = 4096;
    public const int MaxHostLength = 253;
    public const int MaxPortItems = 64;

    /// <summary>Null when valid, else why not.</summary>
    public static string? Check(ParameterKind kind, string value) => kind switch
    {
        ParameterKind.Path => CheckPath(value),
        ParameterKind.Host => CheckHost(value),
        ParameterKind.Ports => CheckPorts(value),
        _ => "unknown parameter kind",
    };

    public static string? CheckPath(string value)
    {
        if (value.Length is 0 or > MaxPathLength)
        {
            return $"must be 1 to {MaxPathLength} characters";
        }

        if (value.Any(char.IsControl))
        {
            return "must not contain control characters or NUL";
        }

        var unixAbsolute = value.StartsWith('/');
        var windowsAbsolute = value.Length >= 3 && char.IsAsciiLetter(value[0]) && value[1] == ':' && value[2] is '\\' or '/';
        if (!unixAbsolute && !windowsAbsolute)
        {
            return "must be an absolute path";
        }

        if (value.Split('/', '\\').Any(segment => segment == ".."))
        {
            return "must not contain '..' segments";
        }

        return null;
    }

    public static string? CheckHost(string value)
    {
        if (value.Length is 0 or > MaxHostLength)
        {
            return $"must be 1 to {MaxHostLength} characters";
        }

        if (value.StartsWith('-'))
        {
            return "must not start with '-'";
        }

        if (IPAddress.TryParse(value, out _))
        {
            return null;
        }

        var labels = value.TrimEnd('.').Split('.');
        var valid = labels.All(label => label.Length is > 0 and <= 63
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            && !label.StartsWith('-') && !label.EndsWith('-'));
        return valid ? null : "must be a host name (letters, digits, '-', dots) or an IP address";
    }

    public static string? CheckPorts(string value)
    {
        if (!TryParsePorts(value, out _, out var error))
        {
            return error;
        }

        return null;
    }

    /// <summary>Parses <c>22,80,8000-8100</c> into inclusive ranges.</summary>
    public static bool TryParsePorts(string value, out IReadOnlyList<(int From, int To)> ranges, out string? error)
    {
        var result = new List<(int, int)>();
        ranges = result;
        error = null;
        var items = value.Split(',');
        if (value.Length == 0 || items.Length > MaxPortItems)
        {
            error = $"must be a list of 1 to {MaxPortItems} ports or ranges, such as 22,80,8000-8100";
            return false;
        }

        foreach (var item in items)
        {
            var bounds = item.Split('-');
            if (bounds.Length > 2 || !bounds.All(b => b.Length is > 0 and <= 5 && b.All(char.IsAsciiDigit)))
            {
                error = $"'{item}' is not a port or a range such as 8000-8100";
                return false;
            }

            var from = int.Parse(bounds[0]);
            var to = int.Parse(bounds[^1]);
            if (from is < 1 or > 65535 || to is < 1 or > 65535 || to < from)
            {
                error = $"'{item}' is outside 1-65535 or reversed";
                return false;
            }

            result.Add((from, to));
        }

        return true;
    }
}
