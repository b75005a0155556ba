using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace SecPlatform.Contracts.Secrets;

/// <summary>
/// A secret of the form <c>prefix_id_secret</c>: <c>id</c> is a public lookup id of 12 characters
/// <c>[a-z0-9]</c>, <c>secret</c> is 43 characters of base62 (about 256 bits from a CSPRNG).
/// Neither part contains '_', so parsing is unambiguous.
/// </summary>
public sealed record SecretToken(SecretKind Kind, string Id, string Secret)
{
    public const int IdLength = 12;
    public const int SecretLength = 43;
    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string PrefixOf(SecretKind kind) => kind switch
    {
        SecretKind.BootstrapToken => "spbt",
        SecretKind.AgentKey => "spak",
        SecretKind.AdminKey => "spadm",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Creates a new secret with a fresh random id.</summary>
    public static SecretToken Create(SecretKind kind) => Create(kind, NewId());

    /// <summary>Creates a new secret for an existing lookup id (e.g. an admin key after rotation).</summary>
    public static SecretToken Create(SecretKind kind, string id) =>
        new(kind, id, RandomNumberGenerator.GetString(SecretAlphabet, SecretLength));

    /// <summary>A fresh public id: 12 characters [a-z0-9] from a CSPRNG.</summary>
    public static string NewId() => RandomNumberGenerator.GetString(IdAlphabet, IdLength);

    public static bool IsValidId(string? id) =>
        id is { Length: IdLength } && id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9'));

    /// <summary>Parses a presented secret of the expected kind; false for anything malformed.</summary>
    public static bool TryParse(string? text, SecretKind kind, [NotNullWhen(true)] out SecretToken? token)
    {
        token = null;
        if (string.IsNullOrEmpty(text) || text.Length > 128)
        {
            return false;
        }

        var parts = text.Split('_');
        if (parts.Length != 3 || parts[0] != PrefixOf(kind) || !IsValidId(parts[1]) || parts[2].Length != SecretLength
            || !parts[2].All(char.IsAsciiLetterOrDigit))
        {
            return false;
        }

        token = new SecretToken(kind, parts[1], parts[2]);
        return true;
    }

    /// <summary>The whole secret as given to its holder. Never log this; log <see cref="Id"/>.</summary>
    public string Value => $"{PrefixOf(Kind)}_{Id}_{Secret}";

    // Records print their members; a secret must never end up in a log by accident.
    public override string ToString() => $"{PrefixOf(Kind)}_{Id}_***";
}
