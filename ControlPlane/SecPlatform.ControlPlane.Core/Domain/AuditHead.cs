namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>The chain's head as the store last wrote it: row count and the hash of the newest row.</summary>
public sealed record AuditHead(long Count, string Hash)
{
    /// <summary>The previous hash of the first row.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    public static AuditHead Empty { get; } = new(0, GenesisHash);
}
