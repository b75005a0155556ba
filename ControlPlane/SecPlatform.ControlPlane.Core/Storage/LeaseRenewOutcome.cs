namespace SecPlatform.ControlPlane.Core.Storage;

public enum LeaseRenewOutcome
{
    /// <summary>The current holder renewed.</summary>
    Renewed,
    /// <summary>The caller became the holder (first acquire, take-over, or re-acquire after expiry).</summary>
    Acquired,
    /// <summary>Another holder has the lease; the caller must stop. Nothing changed.</summary>
    Superseded,
    /// <summary>No such agent (or deregistered). Nothing changed.</summary>
    NotFound,
}
