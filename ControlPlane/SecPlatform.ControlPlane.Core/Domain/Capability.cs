namespace SecPlatform.ControlPlane.Core.Domain;

/// <summary>A scanner an agent found installed, with its version.</summary>
public sealed class Capability
{
    public required string Scanner { get; init; }
    public string Version { get; init; } = "";
}
