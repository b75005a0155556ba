using System.Security.Cryptography;
using System.Text;

namespace SecPlatform.Contracts.Secrets;

/// <summary>SHA-256 hashing for high-entropy secrets (bootstrap tokens, agent keys).</summary>
public static class SecretHash
{
    public static string Sha256Hex(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Constant-time comparison of a presented secret with a stored SHA-256 hex digest.</summary>
    public static bool Matches(string presentedSecret, string storedHex)
    {
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(presentedSecret));
        byte[] stored;
        try
        {
            stored = Convert.FromHexString(storedHex);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(presented, stored);
    }
}
