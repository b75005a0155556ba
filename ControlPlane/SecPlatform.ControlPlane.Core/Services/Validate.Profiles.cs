using System.Text.RegularExpressions;

namespace SecPlatform.ControlPlane.Core.Services;

public static partial class Validate
{
    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,62}$")]
    private static partial Regex ProfileNamePattern();

    /// <summary>A scan profile's name: unique in its tenant, typed on command lines.</summary>
    public static string ProfileName(string? name) =>
        name is not null && ProfileNamePattern().IsMatch(name)
            ? name
            : throw DomainException.Invalid("profile name must be 1 to 63 characters: lowercase letters, digits, '.', '_' and '-', starting with a letter or digit");

    public static bool IsProfileName(string? name) => name is not null && ProfileNamePattern().IsMatch(name);
}
