using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

internal sealed class CapabilityDocument
{
    public string Scanner { get; set; } = "";
    public string Version { get; set; } = "";

    public static List<CapabilityDocument> FromDomain(IEnumerable<Capability> capabilities) =>
        capabilities.Select(c => new CapabilityDocument { Scanner = c.Scanner, Version = c.Version }).ToList();

    public static List<Capability> ToDomain(IEnumerable<CapabilityDocument> capabilities) =>
        capabilities.Select(c => new Capability { Scanner = c.Scanner, Version = c.Version }).ToList();
}
