using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

internal sealed class AgentDocument
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Hostname { get; set; } = "";
    public string Os { get; set; } = "";
    public string Arch { get; set; } = "";
    public string Version { get; set; } = "";
    public string? TenantId { get; set; }
    public List<LabelDocument> Labels { get; set; } = [];
    public List<CapabilityDocument> Capabilities { get; set; } = [];
    public DateTimeOffset RegisteredAt { get; set; }
    public string BootstrapTokenId { get; set; } = "";
    public bool Cordoned { get; set; }
    public bool Draining { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? DeregisteredAt { get; set; }
    public LeaseDocument Lease { get; set; } = new();
    public string Sort { get; set; } = "";

    public static AgentDocument From(Agent agent, Lease lease) => new()
    {
        Id = agent.Id,
        Name = agent.Name,
        Hostname = agent.Hostname,
        Os = agent.Os,
        Arch = agent.Arch,
        Version = agent.Version,
        TenantId = agent.TenantId,
        Labels = LabelDocument.FromDictionary(agent.Labels),
        Capabilities = CapabilityDocument.FromDomain(agent.Capabilities),
        RegisteredAt = agent.RegisteredAt,
        BootstrapTokenId = agent.BootstrapTokenId,
        Cordoned = agent.Cordoned,
        Draining = agent.Draining,
        RevokedAt = agent.RevokedAt,
        DeregisteredAt = agent.DeregisteredAt,
        Lease = LeaseDocument.From(lease),
        Sort = SortKey.Of(agent.RegisteredAt, agent.Id),
    };

    public AgentWithLease ToDomain() => new(
        new Agent
        {
            Id = Id,
            Name = Name,
            Hostname = Hostname,
            Os = Os,
            Arch = Arch,
            Version = Version,
            TenantId = TenantId,
            Labels = LabelDocument.ToDictionary(Labels),
            Capabilities = CapabilityDocument.ToDomain(Capabilities),
            RegisteredAt = RegisteredAt,
            BootstrapTokenId = BootstrapTokenId,
            Cordoned = Cordoned,
            Draining = Draining,
            RevokedAt = RevokedAt,
            DeregisteredAt = DeregisteredAt,
        },
        Lease.ToDomain(Id));
}
