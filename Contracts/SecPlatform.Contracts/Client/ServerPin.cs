using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecPlatform.Contracts.Client;

/// <summary>
/// The pin of a server's public key: <c>sha256//&lt;base64 of SHA-256 of the certificate's SubjectPublicKeyInfo DER&gt;</c>,
/// the form <c>curl --pinnedpubkey</c> takes. Pinning the key (not the certificate) survives a re-issued certificate
/// on the same key.
/// </summary>
public static class ServerPin
{
    public const string Prefix = "sha256//";

    /// <summary>The pin of <paramref name="certificate"/>'s public key.</summary>
    public static string Of(X509Certificate certificate)
    {
        using var x509 = new X509Certificate2(certificate);
        return Prefix + Convert.ToBase64String(SHA256.HashData(x509.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>Checks the form (prefix and a base64 SHA-256); returns it normalized (trimmed).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out string? pin)
    {
        pin = null;
        var trimmed = text?.Trim();
        if (trimmed is null || !trimmed.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var hash = new byte[32];
        if (!Convert.TryFromBase64String(trimmed[Prefix.Length..], hash, out var written) || written != 32)
        {
            return false;
        }

        pin = trimmed;
        return true;
    }

    /// <summary>Whether <paramref name="certificate"/>'s key has the pin; compares in constant time.</summary>
    public static bool Matches(X509Certificate? certificate, string pin) =>
        certificate is not null
        && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(Of(certificate)), System.Text.Encoding.ASCII.GetBytes(pin));

    public const string FormatHint = "sha256//<base64 of the SHA-256 of the server's public key>, as 'secplat tokens create' prints it";
}
