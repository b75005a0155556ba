namespace SecPlatform.Agent.Findings;

/// <summary>
/// A software component an SBOM scanner found, on <see cref="Asset"/> (the scanned directory). <see cref="Purl"/>
/// identifies it when the SBOM gives one; otherwise name and version do.
/// </summary>
public sealed record ScannedComponent(string Name, string Version, string Purl, string Type, FindingAsset Asset);
