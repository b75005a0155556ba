using System.Net;
using System.Text.RegularExpressions;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>Input checks shared by every API call. Each failure names the field and what is allowed.</summary>
public static partial class Validate
{
    public const int MaxLabels = 32;
    public const int MaxCidrs = 32;
    public const int MaxCapabilities = 64;

    [GeneratedRegex("^[a-z][a-z0-9-]{1,62}$")]
    private static partial Regex TenantNamePattern();

    [GeneratedRegex("^[a-z0-9]([a-z0-9._/-]{0,62})$")]
    private static partial Regex LabelKeyPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex ScannerIdPattern();

    public static string TenantName(string? name)
    {
        if (name is null || !TenantNamePattern().IsMatch(name))
        {
            throw DomainException.Invalid(
                "tenant name must be 2 to 63 characters: lowercase letters, digits and '-', starting with a letter");
        }

        return name;
    }

    /// <summary>Free text such as an agent or admin name: required or optional, bounded, no control characters.</summary>
    public static string Text(string field, string? value, int maxLength, bool required)
    {
        value ??= "";
        if (required && string.IsNullOrWhiteSpace(value))
        {
            throw DomainException.Invalid($"{field} is required");
        }

        if (value.Length > maxLength)
        {
            throw DomainException.Invalid($"{field} is longer than {maxLength} characters");
        }

        if (value.Any(char.IsControl))
        {
            throw DomainException.Invalid($"{field} contains control characters");
        }

        return value.Trim();
    }

    public static Dictionary<string, string> Labels(IEnumerable<KeyValuePair<string, string>> labels)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in labels)
        {
            if (!LabelKeyPattern().IsMatch(key))
            {
                throw DomainException.Invalid(
                    $"label key '{Shorten(key)}' is not valid: use up to 63 lowercase letters, digits, '.', '_', '/' or '-', starting with a letter or digit");
            }

            result[key] = Text($"label '{key}'", value, 255, required: false);
        }

        if (result.Count > MaxLabels)
        {
            throw DomainException.Invalid($"at most {MaxLabels} labels are allowed");
        }

        return result;
    }

    public static List<string> Cidrs(IEnumerable<string> cidrs)
    {
        var result = new List<string>();
        foreach (var text in cidrs)
        {
            if (!IPNetwork.TryParse(text, out var network))
            {
                throw DomainException.Invalid($"'{Shorten(text)}' is not a CIDR network such as 10.0.0.0/8 or 2001:db8::/32");
            }

            result.Add(network.ToString());
        }

        if (result.Count > MaxCidrs)
        {
            throw DomainException.Invalid($"at most {MaxCidrs} CIDR networks are allowed");
        }

        return result;
    }

    public static string ScannerId(string? id)
    {
        if (id is null || !ScannerIdPattern().IsMatch(id))
        {
            throw DomainException.Invalid($"scanner id '{Shorten(id ?? "")}' is not valid: lowercase letters, digits, '.', '_' and '-'");
        }

        return id;
    }

    public static string Id(string field, string? id)
    {
        if (!Contracts.Secrets.SecretToken.IsValidId(id))
        {
            throw DomainException.Invalid($"{field} must be an id of 12 lowercase letters and digits");
        }

        return id!;
    }

    // Echo at most a little of what was sent: enough to recognise it, never a whole payload.
    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
