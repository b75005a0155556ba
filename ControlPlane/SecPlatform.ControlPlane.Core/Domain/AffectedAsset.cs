namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>One of a tenant's assets with findings that name a vulnerability, and how many (open: open or reopened).</summary>
public sealed record AffectedAsset(string AssetId, string Kind, string Value, long Findings, long OpenFindings);
