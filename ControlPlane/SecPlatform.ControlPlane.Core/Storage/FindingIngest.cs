using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// One batch of findings from an agent's run. Applied only while <see cref="Command"/> is the agent's
/// current claim (active, same agent, same fencing token). <see cref="Components"/> (from SBOM scanners) are written in
/// the same transaction (<see cref="IComponentStore"/>).
/// </summary>
public sealed record FindingIngest(CommandRef Command, IReadOnlyList<ObservedFinding> Findings, DateTimeOffset Now,
    IReadOnlyList<ObservedComponent>? Components = null);
