namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// What one complete, successful SBOM attempt covered: the components of the asset of <see cref="AssetKind"/> and
/// normalized <see cref="AssetValue"/> (the scanned directory on the agent's host). The store removes the ones the
/// attempt did not report.
/// </summary>
public sealed record ComponentScope(string TenantId, string CommandId, int Attempt, string AssetKind, string AssetValue);
