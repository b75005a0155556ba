using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Options;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>The agent's side of its lifecycle after registration: lease renewal and release, key rotation, deregistration.</summary>
public sealed class AgentSessionService(
    IControlPlaneStore store,
    TimeProvider time,
    ControlPlaneMetrics metrics,
    IOptions<LeaseOptions> leaseOptions,
    IOptions<SecurityOptions> securityOptions,
    AgentCommandService commands,
    ILogger<AgentSessionService> logger)
{
    private readonly LeaseOptions _leases = leaseOptions.Value;

    public async Task<LeaseAnswer> RenewAsync(AgentWithLease caller, string? holderIdentity, bool acquire, string? version,
        IReadOnlyList<Capability>? capabilities, CancellationToken cancellationToken)
    {
        if (caller.Agent.RevokedAt is not null)
        {
            return new LeaseAnswer(caller.Lease, _leases.DurationSeconds, (int)_leases.RenewInterval.TotalSeconds, Drain: true, Cordoned: true, Revoked: true, []);
        }

        var holder = Validate.Text("holder_identity", holderIdentity, 255, required: true);
        if (capabilities is { Count: > Validate.MaxCapabilities })
        {
            throw DomainException.Invalid($"at most {Validate.MaxCapabilities} capabilities are allowed");
        }

        var validCapabilities = capabilities?
            .Select(c => new Capability { Scanner = Validate.ScannerId(c.Scanner), Version = Validate.Text("capability version", c.Version, 64, required: false) })
            .ToList();
        var request = new LeaseRenewRequest(caller.Agent.Id, holder, acquire, _leases.DurationSeconds, time.GetUtcNow(),
            string.IsNullOrEmpty(version) ? null : Validate.Text("version", version, 64, required: false), validCapabilities,
            StopRequestsFinishedAfter: commands.StopNoticeAfter());
        var renewal = await store.RenewLeaseAsync(request, cancellationToken);
        switch (renewal.Outcome)
        {
            case LeaseRenewOutcome.NotFound:
                throw new DomainException(ErrorKind.Unauthenticated, "this agent is no longer registered");
            case LeaseRenewOutcome.Superseded:
                metrics.LeaseConflict();
                logger.LogWarning("Agent {AgentId}: renew by superseded holder {HolderIdentity} refused (lease held by {CurrentHolder})",
                    caller.Agent.Id, holder, caller.Lease.HolderIdentity);
                throw new DomainException(ErrorKind.FailedPrecondition,
                    "another process holds this agent's lease (a newer start of the same agent identity, e.g. a cloned machine); this process must stop");
            case LeaseRenewOutcome.Acquired:
                logger.LogInformation("Agent {AgentId}: lease acquired by {HolderIdentity} (transitions {LeaseTransitions})",
                    caller.Agent.Id, holder, renewal.Agent!.Lease.LeaseTransitions);
                break;
        }

        var agent = renewal.Agent!.Agent;
        return new LeaseAnswer(renewal.Agent.Lease, _leases.DurationSeconds, (int)_leases.RenewInterval.TotalSeconds,
            Drain: agent.Draining, Cordoned: agent.Cordoned, Revoked: false,
            renewal.StopRequests ?? await commands.StopRequestsAsync(agent.Id, cancellationToken));
    }

    public async Task ReleaseAsync(AgentWithLease caller, string? holderIdentity, CancellationToken cancellationToken)
    {
        var holder = Validate.Text("holder_identity", holderIdentity, 255, required: true);
        if (await store.ReleaseLeaseAsync(caller.Agent.Id, holder, time.GetUtcNow(), cancellationToken))
        {
            logger.LogInformation("Agent {AgentId}: lease released by {HolderIdentity}", caller.Agent.Id, holder);
        }
    }

    /// <summary>A new key; the agent's previous keys keep working for the configured grace period.</summary>
    public async Task<(SecretToken Key, DateTimeOffset PreviousKeysExpireAt)> RotateKeyAsync(AgentWithLease caller, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var key = SecretToken.Create(SecretKind.AgentKey);
        var previousExpire = now.AddSeconds(securityOptions.Value.AgentKeyRotationGraceSeconds);
        await store.RotateAgentKeyAsync(new AgentKey { Id = key.Id, AgentId = caller.Agent.Id, SecretHash = SecretHash.Sha256Hex(key.Secret), CreatedAt = now },
            previousExpire, cancellationToken);
        logger.LogInformation("Agent {AgentId}: key rotated, new key id {KeyId}", caller.Agent.Id, key.Id);
        return (key, previousExpire);
    }

    public async Task DeregisterAsync(AgentWithLease caller, CancellationToken cancellationToken)
    {
        await store.DeregisterAgentAsync(caller.Agent.Id, time.GetUtcNow(), cancellationToken);
        logger.LogInformation("Agent {AgentId} deregistered itself", caller.Agent.Id);
    }
}
