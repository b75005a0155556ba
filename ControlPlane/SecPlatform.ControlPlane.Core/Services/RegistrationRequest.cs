using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>What an agent sends to register (transport-neutral).</summary>
public sealed record RegistrationRequest(
    string? BootstrapToken,
    string? Name,
    string? Hostname,
    string? Os,
    string? Arch,
    string? Version,
    IReadOnlyList<Capability> Capabilities,
    IReadOnlyDictionary<string, string> Labels);
