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

        var request = Request(caller.Agent.Id, holderIdentity, acquire, version, capabilities);
        var holder = request.HolderIdentity;
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

        return await AnswerAsync(renewal, cancellationToken);
    }

    /// <summary>
    /// The holder's plain renewal with its authentication in one store step (<see cref="IControlPlaneStore.TryRenewLeaseWithKeyAsync"/>,
    /// docs/adr/0003). Null when it did not apply, for whatever reason (an acquire, an invalid request, a refused key, a
    /// revoked agent, another holder, a new version): the caller then authenticates and calls <see cref="RenewAsync"/>,
    /// which answers every other case as before.
    /// </summary>
    public async Task<LeaseAnswer?> TryRenewWithKeyAsync(AgentKeyProof key, string? holderIdentity, bool acquire, string? version,
        IReadOnlyList<Capability>? capabilities, CancellationToken cancellationToken)
    {
        if (acquire)
        {
            return null;
        }

        LeaseRenewRequest request;
        try
        {
            // The key names the agent; an invalid request is refused by the usual way, after authentication, as before.
            request = Request("", holderIdentity, acquire, version, capabilities);
        }
        catch (DomainException)
        {
            return null;
        }

        if (await store.TryRenewLeaseWithKeyAsync(key, request, cancellationToken) is not { Outcome: LeaseRenewOutcome.Renewed, Agent: { } renewed } renewal)
        {
            return null;
        }

        AgentAuthenticator.Accepted(renewed.Agent);
        return await AnswerAsync(renewal, cancellationToken);
    }

    private LeaseRenewRequest Request(string agentId, string? holderIdentity, bool acquire, string? version, IReadOnlyList<Capability>? capabilities)
    {
        var holder = Validate.Text("holder_identity", holderIdentity, 255, required: true);
        if (capabilities is { Count: > Validate.MaxCapabilities })
        {
            throw DomainException.Invalid($"at most {Validate.MaxCapabilities} capabilities are allowed");
        }

        var validCapabilities = capabilities?
            .Select(c => new Capability { Scanner = Validate.ScannerId(c.Scanner), Version = Validate.Text("capability version", c.Version, 64, required: false) })
            .ToList();
        return new LeaseRenewRequest(agentId, holder, acquire, _leases.DurationSeconds, time.GetUtcNow(),
            string.IsNullOrEmpty(version) ? null : Validate.Text("version", version, 64, required: false), validCapabilities,
            StopRequestsFinishedAfter: commands.StopNoticeAfter());
    }

    // The answer to a renewal the store made (renewed or acquired).
    private async Task<LeaseAnswer> AnswerAsync(LeaseRenewal renewal, CancellationToken cancellationToken)
    {
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
