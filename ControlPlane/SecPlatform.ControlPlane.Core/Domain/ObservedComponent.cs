namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>A software component as an agent reports it for one run (from an SBOM), on the asset it names.</summary>
public sealed record ObservedComponent(string Name, string Version, string Purl, string Type, string AssetKind, string AssetValue)
{
    /// <summary>What identifies the component on its asset: the purl, or name@version without one.</summary>
    public string Key => Purl.Length > 0 ? Purl : $"{Name}@{Version}";
}
