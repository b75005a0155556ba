using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>The number of findings with one severity and one status.</summary>
public sealed record FindingCount(Severity Severity, string Status, long Count);
