using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>
/// The command queue part of the storage conformance suite: every provider runs these same tests.
/// Agents are registered and hold leases through the store itself, as in production.
/// </summary>
public abstract class QueueConformanceTests
{
    private static readonly DateTimeOffset T0 = TestData.Start;

    /// <summary>A fresh, empty store (its own file or database), ready for use.</summary>
    protected abstract Task<IControlPlaneStore> CreateStoreAsync();

    [Fact]
    public async Task EnqueueCommand_New_StoredQueuedAndReadable()
    {
        var store = await CreateStoreAsync();
        var tenant = await NewTenantAsync(store);
        var (command, created) = await store.EnqueueCommandAsync(NewCommand(tenant.Id, priority: 7), default);
        Assert.True(created);
        var read = await store.GetCommandAsync(command.Id, default);
        Assert.NotNull(read);
        Assert.Equal(CommandStatus.Queued, read.Status);
        Assert.Equal("shellcheck", read.Scanner);
        Assert.Equal("/srv/app", read.Parameters["path"]);
        Assert.Equal(7, read.Priority);
        Assert.Equal(0, read.Attempt);
        Assert.Equal(["shellcheck"], read.RequiredCapabilities);
        Assert.Equal(T0, read.CreatedAt);
    }

    [Fact]
    public async Task EnqueueCommand_SameIdempotencyKey_ReturnsExistingAndStoresNothing()
    {
        var store = await CreateStoreAsync();
        var tenant = await NewTenantAsync(store);
        var other = await NewTenantAsync(store);
        var (first, _) = await store.EnqueueCommandAsync(NewCommand(tenant.Id, key: "nightly-1"), default);
        var (again, created) = await store.EnqueueCommandAsync(NewCommand(tenant.Id, key: "nightly-1"), default);
        Assert.False(created);
        Assert.Equal(first.Id, again.Id);
        var (otherTenant, otherCreated) = await store.EnqueueCommandAsync(NewCommand(other.Id, key: "nightly-1"), default);
        Assert.True(otherCreated);
        Assert.NotEqual(first.Id, otherTenant.Id);
        Assert.Single(await store.ListCommandsAsync(new CommandQuery(tenant.Id), PageRequest.First(), default));
    }

    [Fact]
    public async Task ClaimCommands_EligibleAgent_ClaimsWithFencingTokenDeadlineAndHolder()
    {
        var store = await CreateStoreAsync();
        var (tenant, agent) = await NewAgentAsync(store);
        var (command, _) = await store.EnqueueCommandAsync(NewCommand(tenant.Id, timeoutSeconds: 60), default);
        var claimed = Assert.Single(await ClaimAsync(store, agent, T0.AddSeconds(1)));
        Assert.Equal(command.Id, claimed.Id);
        Assert.Equal(CommandStatus.Claimed, claimed.Status);
        Assert.Equal(1, claimed.Attempt);
        Assert.Equal(1, claimed.FencingToken);
        Assert.Equal(agent.Agent.Id, claimed.AgentId);
        Assert.Equal(agent.Lease.HolderIdentity, claimed.HolderIdentity);
        Assert.Equal(T0.AddSeconds(61), claimed.Deadline);
        Assert.Empty(await ClaimAsync(store, agent, T0.AddSeconds(2)));
    }

    [Fact]
    public async Task ClaimCommands_Selectors_OnlyMatchingAgentsClaim()
    {
        var store = await CreateStoreAsync();
        var (tenant, tenantAgent) = await NewAgentAsync(store);
        var (_, otherTenantAgent) = await NewAgentAsync(store);
        var platformAgent = await NewPlatformAgentAsync(store);

        var forPlatform = (await store.EnqueueCommandAsync(NewCommand(tenant.Id, targetAgentId: platformAgent.Agent.Id), default)).Command;
        var needsLabel = (await store.EnqueueCommandAsync(NewCommand(tenant.Id, labels: new() { ["zone"] = "dmz" }), default)).Command;
        var needsNmap = (await store.EnqueueCommandAsync(NewCommand(tenant.Id, scanner: "nmap"), default)).Command;

        Assert.Empty(await ClaimAsync(store, otherTenantAgent, T0, max: 10));
        Assert.Empty(await ClaimAsync(store, tenantAgent, T0, max: 10));
        var platformClaims = await ClaimAsync(store, platformAgent, T0, max: 10);
        Assert.Equal([forPlatform.Id], platformClaims.Select(c => c.Id));

        var labelled = await NewAgentAsync(store, tenant, labels: new() { ["zone"] = "dmz" }, capabilities: ["shellcheck", "nmap"]);
        var labelledClaims = await ClaimAsync(store, labelled, T0, max: 10);
        Assert.Equal(new[] { needsLabel.Id, needsNmap.Id }.Order(), labelledClaims.Select(c => c.Id).Order());
    }

    [Fact]
    public async Task ClaimCommands_NotBeforeAndExpiry_Respected()
    {
        var store = await CreateStoreAsync();
        var (tenant, agent) = await NewAgentAsync(store);
        var later = (await store.EnqueueCommandAsync(NewCommand(tenant.Id, notBefore: T0.AddMinutes(5)), default)).Command;
        var expiring = (await store.EnqueueCommandAsync(NewCommand(tenant.Id, expiresAt: T0.AddSeconds(30)), default)).Command;

        Assert.Empty(await ClaimAsync(store, agent, T0.AddMinutes(1), max: 10));
        Assert.Equal(expiring.Id, (await store.GetCommandAsync(expiring.Id, default))!.Id);
        var sweep = await store.SweepCommandsAsync(T0.AddMinutes(1), default);
        Assert.Equal([expiring.Id], sweep.Expired);
        Assert.Equal(CommandStatus.Expired, (await store.GetCommandAsync(expiring.Id, default))!.Status);

        await RenewAsync(store, agent, T0.AddMinutes(5));
        Assert.Equal([later.Id], (await ClaimAsync(store, agent, T0.AddMinutes(5), max: 10)).Select(c => c.Id));
    }

    [Fact]
    public async Task ClaimCommands_Priority_HigherFirstAndOldWorkAges()
    {
        var store = await CreateStoreAsync();
        var (tenant, agent) = await NewAgentAsync(store);
        var low = (await store.EnqueueCommandAsync(NewCommand(tenant.Id, priority: 0, createdAt: T0), default)).Command;
        var high = (await store.EnqueueCommandAsync(NewCommand(tenant.Id, priority: 10, createdAt: T0.AddSeconds(1)), default)).Command;
        // High priority, but enqueued so much later that the old low-priority work has aged past it.
        var lateHigh = (await store.EnqueueCommandAsync(NewCommand(tenant.Id, priority: 10, createdAt: T0.AddMinutes(10)), default)).Command;

        var order = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            order.AddRange((await ClaimAsync(store, agent, T0.AddMinutes(11))).Select(c => c.Id));
        }

        Assert.Equal([high.Id, low.Id, lateHigh.Id], order);
    }

    [Fact]
    public async Task ClaimCommands_BigBacklogAndSmallTenant_SmallTenantServedWithinFirstThirty()
    {
        var store = await CreateStoreAsync();
        var big = await NewTenantAsync(store);
        var small = await NewTenantAsync(store);
        for (var i = 0; i < 300; i++)
        {
            await store.EnqueueCommandAsync(NewCommand(big.Id, createdAt: T0.AddMilliseconds(i)), default);
        }

        for (var i = 0; i < 10; i++)
        {
            await store.EnqueueCommandAsync(NewCommand(small.Id, createdAt: T0.AddSeconds(10).AddMilliseconds(i)), default);
        }

        var platform = await NewPlatformAgentAsync(store);
        var claimedTenants = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            claimedTenants.AddRange((await ClaimAsync(store, platform, T0.AddMinutes(1))).Select(c => c.TenantId));
        }

        Assert.Equal(30, claimedTenants.Count);
        Assert.Equal(10, claimedTenants.Count(t => t == small.Id));
    }

    [Fact]
    public async Task ClaimCommands_TenantAgentBatch_ClaimsUpToMaxInClaimOrder()
    {
        var store = await CreateStoreAsync();
        var (tenant, agent) = await NewAgentAsync(store);
        var queued = new List<string>();
        for (var i = 0; i < 15; i++)
        {
            queued.Add((await store.EnqueueCommandAsync(NewCommand(tenant.Id, createdAt: T0.AddSeconds(i)), default)).Command.Id);
        }

        var first = await ClaimAsync(store, agent, T0.AddMinutes(1), max: 10);
        var second = await ClaimAsync(store, agent, T0.AddMinutes(1), max: 10);

        Assert.Equal(queued[..10], first.Select(c => c.Id));
        Assert.Equal(queued[10..], second.Select(c => c.Id));
        Assert.All(first.Concat(second), c => Assert.Equal((CommandStatus.Claimed, 1L, agent.Agent.Id), (c.Status, c.FencingToken, c.AgentId)));
    }

    [Fact]
    public async Task ClaimCommands_PlatformAgentBatch_SharesTheBatchBetweenTenantsWithWork()
    {
        var store = await CreateStoreAsync();
        var busy = await NewTenantAsync(store);
        var other = await NewTenantAsync(store);
        var small = await NewTenantAsync(store);
        for (var i = 0; i < 20; i++)
        {
            await store.EnqueueCommandAsync(NewCommand(busy.Id, createdAt: T0.AddMilliseconds(i)), default);
            await store.EnqueueCommandAsync(NewCommand(other.Id, createdAt: T0.AddMilliseconds(i)), default);
        }

        await store.EnqueueCommandAsync(NewCommand(small.Id, createdAt: T0.AddSeconds(1)), default);
        var platform = await NewPlatformAgentAsync(store);

        var batch = await ClaimAsync(store, platform, T0.AddMinutes(1), max: 9);

        Assert.Equal(9, batch.Count);
        Assert.Equal(4, batch.Count(c => c.TenantId == busy.Id));
        Assert.Equal(4, batch.Count(c => c.TenantId == other.Id));
        Assert.Equal(1, batch.Count(c => c.TenantId == small.Id));
        Assert.Equal(9, batch.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public async Task ClaimCommands_ConcurrentClaimers_EachCommandClaimedOnce()
    {
        var store = await CreateStoreAsync();
        var tenant = await NewTenantAsync(store);
        for (var i = 0; i < 200; i++)
        {
            await store.EnqueueCommandAsync(NewCommand(tenant.Id, createdAt: T0.AddMilliseconds(i)), default);
        }

        var agents = new List<AgentWithLease>();
        for (var i = 0; i < 8; i++)
        {
            agents.Add(await NewAgentAsync(store, tenant));
        }

        var claims = await Task.WhenAll(agents.Select(async agent =>
        {
            var mine = new List<Command>();
            while (true)
            {
                var batch = await ClaimAsync(store, agent, T0.AddSeconds(1), max: 3);
                if (batch.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(batch);
            }
        }));
        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(200, all.Count);
        Assert.Equal(200, all.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public async Task StartAndProgress_CurrentTokenApplies_StaleOrForeignRefusedUnchanged()
    {
        var store = await CreateStoreAsync();
        var (tenant, agent) = await NewAgentAsync(store);
        var (_, other) = await NewAgentAsync(store);
        await store.EnqueueCommandAsync(NewCommand(tenant.Id), default);
        var claimed = Assert.Single(await ClaimAsync(store, agent, T0));

        var stale = await store.StartCommandAsync(new CommandRef(claimed.Id, agent.Agent.Id, 99), T0, default);
        Assert.Equal(CommandUpdateOutcome.Stale, stale.Outcome);
        var foreign = await store.StartCommandAsync(new CommandRef(claimed.Id, other.Agent.Id, 1), T0, default);
        Assert.Equal(CommandUpdateOutcome.NotFound, foreign.Outcome);
        Assert.Equal(CommandStatus.Claimed, (await store.GetCommandAsync(claimed.Id, default))!.Status);

        var started = await store.StartCommandAsync(Ref(claimed, agent), T0.AddSeconds(1), default);
        Assert.Equal(CommandUpdateOutcome.Applied, started.Outcome);
        Assert.Equal(CommandStatus.Running, started.Command!.Status);
        Assert.Equal(T0.AddSeconds(1), started.Command.StartedAt);

        var progress = await store.ReportProgressAsync(Ref(claimed, agent), 40, "half way", T0.AddSeconds(2), default);
        Assert.Equal(CommandUpdateOutcome.Applied, progress.Outcome);
        var read = (await store.GetCommandAsync(claimed.Id, default))!;
        Assert.Equal((40, "half way"), (read.ProgressPercent, read.ProgressMessage));
    }

    [Fact]
    public async Task CompleteCommand_Outcomes_SucceededRetriedOrFailed()
    {
        var store = await CreateStoreAsync();
        var (tenant, agent) = await NewAgentAsync(store);
        var ok = (await store.EnqueueCommandAsync(NewCommand(tenant.Id, createdAt: T0), default)).Command;
        var retried = (await store.EnqueueCommandAsync(NewCommand(tenant.Id, createdAt: T0.AddMilliseconds(1), maxAttempts: 2), default)).Command;
        var fatal = (await store.EnqueueCommandAsync(NewCommand(tenant.Id, createdAt: T0.AddMilliseconds(2)), default)).Command;
        var claims = (await ClaimAsync(store, agent, T0.AddMilliseconds(2), max: 3)).ToDictionary(c => c.Id);

        var done = await store.CompleteCommandAsync(Completion(claims[ok.Id], agent, CommandStatus.Succeeded, findings: 12), default);
        Assert.Equal(CommandUpdateOutcome.Applied, done.Outcome);
        Assert.Equal(CommandStatus.Succeeded, done.Command!.Status);
        Assert.Equal(12, done.Command.FindingCount);
        Assert.Equal(T0.AddSeconds(5), done.Command.FinishedAt);

        var retry = await store.CompleteCommandAsync(Completion(claims[retried.Id], agent, CommandStatus.Failed, retryable: true), default);
        Assert.Equal(CommandStatus.Queued, retry.Command!.Status);
        Assert.Equal(T0.AddSeconds(15), retry.Command.AvailableAt);
        Assert.Empty(await ClaimAsync(store, agent, T0.AddSeconds(14)));
        var second = Assert.Single(await ClaimAsync(store, agent, T0.AddSeconds(15)));
        Assert.Equal((2, 2L), (second.Attempt, second.FencingToken));
        var exhausted = await store.CompleteCommandAsync(Completion(second, agent, CommandStatus.Failed, retryable: true), default);
        Assert.Equal(CommandStatus.Failed, exhausted.Command!.Status);

        var failed = await store.CompleteCommandAsync(Completion(claims[fatal.Id], agent, CommandStatus.Failed), default);
        Assert.Equal(CommandStatus.Failed, failed.Command!.Status);
        Assert.Equal("boom", failed.Command.Error);

        // A second completion of a finished command changes nothing.
        var late = await store.CompleteCommandAsync(Completion(claims[ok.Id], agent, CommandStatus.Failed), default);
        Assert.Equal(CommandUpdateOutcome.Stale, late.Outcome);
        Assert.Equal(CommandStatus.Succeeded, (await store.GetCommandAsync(ok.Id, default))!.Status);
    }

    [Fact]
    public async Task CompleteCommand_ForeignOrStaleRefusedUnchanged_CurrentAppliesEveryField()
    {
        var store = await CreateStoreAsync();
        var (tenant, agent) = await NewAgentAsync(store);
        var (_, other) = await NewAgentAsync(store);
        await store.EnqueueCommandAsync(NewCommand(tenant.Id, createdAt: T0), default);
        await store.EnqueueCommandAsync(NewCommand(tenant.Id, createdAt: T0.AddMilliseconds(1)), default);
        var claims = await ClaimAsync(store, agent, T0.AddMilliseconds(1), max: 2);
        var (running, canceled) = (claims[0], claims[1]);
        await store.StartCommandAsync(Ref(running, agent), T0.AddSeconds(1), default);

        // Another agent's completion, or one with a token that is not the claim's, changes nothing.
        var foreign = await store.CompleteCommandAsync(Completion(running, agent, CommandStatus.Succeeded) with { Ref = new CommandRef(running.Id, other.Agent.Id, 1) }, default);
        Assert.Equal(CommandUpdateOutcome.NotFound, foreign.Outcome);
        var stale = await store.CompleteCommandAsync(Completion(running, agent, CommandStatus.Succeeded) with { Ref = new CommandRef(running.Id, agent.Agent.Id, 7) }, default);
        Assert.Equal(CommandUpdateOutcome.Stale, stale.Outcome);
        var unchanged = (await store.GetCommandAsync(running.Id, default))!;
        Assert.Equal((CommandStatus.Running, "", (int?)null), (unchanged.Status, unchanged.Summary, unchanged.ExitCode));

        var done = await store.CompleteCommandAsync(Completion(running, agent, CommandStatus.Succeeded, findings: 3) with { Truncated = true }, default);
        Assert.Equal(CommandUpdateOutcome.Applied, done.Outcome);
        var read = (await store.GetCommandAsync(running.Id, default))!;
        foreach (var command in new[] { done.Command!, read })
        {
            Assert.Equal((CommandStatus.Succeeded, "", 0, "summary", "log tail"), (command.Status, command.StatusReason, command.ExitCode, command.Summary, command.LogTail));
            Assert.Equal((3L, true, false), (command.FindingCount, command.Truncated, command.StopRequested));
            Assert.Equal((T0.AddSeconds(5), T0.AddSeconds(1)), (command.FinishedAt, command.StartedAt));
            Assert.Equal((1, 1L, agent.Agent.Id), (command.Attempt, command.FencingToken, command.AgentId));
        }

        var byAgent = await store.CompleteCommandAsync(Completion(canceled, agent, CommandStatus.Canceled), default);
        Assert.Equal((CommandStatus.Canceled, "canceled by the agent", 2), (byAgent.Command!.Status, byAgent.Command.StatusReason, byAgent.Command.ExitCode));
        Assert.Equal(T0.AddSeconds(5), byAgent.Command.FinishedAt);
    }

    /// <summary>Whether the store has the one-step completion and renewal with the key (else TryCompleteWithKeyAsync and TryRenewLeaseWithKeyAsync always answer null).</summary>
    protected virtual bool CompletesWithKey => false;

    [Fact]
    public async Task TryCompleteWithKey_OnlyTheHoldersValidUnexpiredUnrevokedKey_OnlyThePlainCompletion()
    {
        var store = await CreateStoreAsync();
        var tenant = await NewTenantAsync(store);
        var secret = SecretToken.Create(SecretKind.AgentKey).Secret;
        var (agent, key) = await RegisterWithKeyAsync(store, tenant.Id, null, null, SecretHash.Sha256Hex(secret));
        var other = await NewAgentAsync(store, tenant);
        for (var i = 0; i < 4; i++)
        {
            await store.EnqueueCommandAsync(NewCommand(tenant.Id, createdAt: T0.AddMilliseconds(i)), default);
        }

        var claims = await ClaimAsync(store, agent, T0.AddMilliseconds(3), max: 3);
        var othersClaim = Assert.Single(await ClaimAsync(store, other, T0.AddMilliseconds(3)));
        var proof = new AgentKeyProof(key.Id, key.SecretHash, T0.AddSeconds(5));
        Task<(Command Command, Agent Agent)?> TryAsync(AgentKeyProof with, Command command, CommandStatus outcome = CommandStatus.Succeeded,
            bool retryable = false, long? token = null) =>
            store.TryCompleteWithKeyAsync(with, Completion(command, agent, outcome, retryable) with
            {
                Ref = new CommandRef(command.Id, "", token ?? command.FencingToken),
            }, default);

        Assert.Null(await TryAsync(proof with { SecretHash = SecretHash.Sha256Hex(secret + "x") }, claims[0]));
        Assert.Null(await TryAsync(proof with { KeyId = SecretToken.NewId() }, claims[0]));
        Assert.Null(await TryAsync(proof, othersClaim));
        Assert.Null(await TryAsync(proof, claims[0], token: 9));
        Assert.Null(await TryAsync(proof, claims[0], CommandStatus.Failed, retryable: true));
        Assert.All(await Task.WhenAll(claims.Append(othersClaim).Select(c => store.GetCommandAsync(c.Id, default))),
            c => Assert.Equal(CommandStatus.Claimed, c!.Status));

        var done = await TryAsync(proof, claims[0]);
        if (!CompletesWithKey)
        {
            Assert.Null(done);
            return;
        }

        Assert.NotNull(done);
        Assert.Equal((CommandStatus.Succeeded, agent.Agent.Id, agent.Agent.Hostname), (done.Value.Command.Status, done.Value.Agent.Id, done.Value.Agent.Hostname));
        Assert.Equal(CommandStatus.Succeeded, (await store.GetCommandAsync(claims[0].Id, default))!.Status);
        Assert.Null(await TryAsync(proof, claims[0]));

        // Expired (rotated away before the proof's time), then revoked: refused, nothing changed.
        var newKey = new AgentKey { Id = SecretToken.NewId(), AgentId = agent.Agent.Id, SecretHash = key.SecretHash, CreatedAt = T0.AddSeconds(1) };
        await store.RotateAgentKeyAsync(newKey, T0.AddSeconds(5), default);
        Assert.Null(await TryAsync(proof, claims[1]));
        Assert.NotNull(await TryAsync(proof with { Now = T0.AddSeconds(4) }, claims[1]));
        await store.ApplyAgentActionAsync(agent.Agent.Id, AgentAction.Revoke, T0.AddSeconds(6), default);
        Assert.Null(await TryAsync(proof with { KeyId = newKey.Id }, claims[2]));
        Assert.Equal(CommandStatus.Claimed, (await store.GetCommandAsync(claims[2].Id, default))!.Status);
    }

    [Fact]
    public async Task TryRenewLeaseWithKey_OnlyTheHoldersPlainRenewalWithAValidKey_SameAnswerAsTheUsualWay()
    {
        var store = await CreateStoreAsync();
        var tenant = await NewTenantAsync(store);
        var secret = SecretToken.Create(SecretKind.AgentKey).Secret;
        var (agent, key) = await RegisterWithKeyAsync(store, tenant.Id, null, null, SecretHash.Sha256Hex(secret));
        var holder = agent.Lease.HolderIdentity!;
        await store.EnqueueCommandAsync(NewCommand(tenant.Id, createdAt: T0), default);
        var claimed = Assert.Single(await ClaimAsync(store, agent, T0));
        await store.CancelCommandAsync(claimed.Id, T0.AddSeconds(1), default);
        await store.ApplyAgentActionAsync(agent.Agent.Id, AgentAction.Cordon, T0.AddSeconds(1), default);
        var proof = new AgentKeyProof(key.Id, key.SecretHash, T0.AddSeconds(5));
        LeaseRenewRequest Request(DateTimeOffset now, string? who = null, bool acquire = false, string? version = null) =>
            new("", who ?? holder, acquire, 30, now, version, null, StopRequestsFinishedAfter: T0);
        async Task AssertNotRenewedAsync(AgentKeyProof with, LeaseRenewRequest request)
        {
            Assert.Null(await store.TryRenewLeaseWithKeyAsync(with, request, default));
            Assert.Equal(T0, (await store.GetAgentAsync(agent.Agent.Id, default))!.Lease.RenewTime);
        }

        await AssertNotRenewedAsync(proof with { SecretHash = SecretHash.Sha256Hex(secret + "x") }, Request(T0.AddSeconds(10)));
        await AssertNotRenewedAsync(proof with { KeyId = SecretToken.NewId() }, Request(T0.AddSeconds(10)));
        await AssertNotRenewedAsync(proof, Request(T0.AddSeconds(10), who: "host/another-process"));
        await AssertNotRenewedAsync(proof, Request(T0.AddSeconds(10), acquire: true));
        await AssertNotRenewedAsync(proof, Request(T0.AddSeconds(10), version: "9.9.9-new"));

        var quick = await store.TryRenewLeaseWithKeyAsync(proof, Request(T0.AddSeconds(10)), default);
        if (!CompletesWithKey)
        {
            Assert.Null(quick);
            return;
        }

        // The same answer as the usual way renewing at the same time.
        Assert.NotNull(quick);
        var usual = await store.RenewLeaseAsync(Request(T0.AddSeconds(10)) with { AgentId = agent.Agent.Id }, default);
        Assert.Equal((LeaseRenewOutcome.Renewed, LeaseRenewOutcome.Renewed), (quick.Outcome, usual.Outcome));
        static object Seen(LeaseRenewal r) => (r.Agent!.Agent.Id, r.Agent.Agent.TenantId, r.Agent.Agent.Cordoned, r.Agent.Agent.Draining,
            r.Agent.Lease.Held, r.Agent.Lease.HolderIdentity, r.Agent.Lease.AcquireTime, r.Agent.Lease.RenewTime, r.Agent.Lease.ExpiresAt,
            r.Agent.Lease.LeaseDurationSeconds, r.Agent.Lease.LeaseTransitions, string.Join(",", r.StopRequests!));
        Assert.Equal(Seen(usual), Seen(quick));
        Assert.Equal((agent.Agent.Id, tenant.Id, true, T0.AddSeconds(10), T0.AddSeconds(40), claimed.Id),
            (quick.Agent!.Agent.Id, quick.Agent.Agent.TenantId, quick.Agent.Agent.Cordoned, quick.Agent.Lease.RenewTime, quick.Agent.Lease.ExpiresAt,
                Assert.Single(quick.StopRequests!)));
        var stored = (await store.GetAgentAsync(agent.Agent.Id, default))!.Lease;
        Assert.Equal((T0.AddSeconds(10), T0.AddSeconds(40), 30), (stored.RenewTime, stored.ExpiresAt, stored.LeaseDurationSeconds));

        // Expired (rotated away before the proof's time): refused; the new key renews.
        var newKey = new AgentKey { Id = SecretToken.NewId(), AgentId = agent.Agent.Id, SecretHash = key.SecretHash, CreatedAt = T0.AddSeconds(1) };
        await store.RotateAgentKeyAsync(newKey, T0.AddSeconds(5), default);
        Assert.Null(await store.TryRenewLeaseWithKeyAsync(proof, Request(T0.AddSeconds(20)), default));
        Assert.NotNull(await store.TryRenewLeaseWithKeyAsync(proof with { Now = T0.AddSeconds(4) }, Request(T0.AddSeconds(20)), default));
        Assert.NotNull(await store.TryRenewLeaseWithKeyAsync(proof with { KeyId = newKey.Id }, Request(T0.AddSeconds(21)), default));

        // Revoked, even with its lease held again (revoking ends it): refused, nothing changed (the usual way answers Revoked).
        await store.ApplyAgentActionAsync(agent.Agent.Id, AgentAction.Revoke, T0.AddSeconds(22), default);
        await store.RenewLeaseAsync(Request(T0.AddSeconds(23), acquire: true) with { AgentId = agent.Agent.Id }, default);
        var before = (await store.GetAgentAsync(agent.Agent.Id, default))!.Lease.RenewTime;
        Assert.Null(await store.TryRenewLeaseWithKeyAsync(proof with { KeyId = newKey.Id, Now = T0.AddSeconds(24) }, Request(T0.AddSeconds(24)), default));
        Assert.Equal(before, (await store.GetAgentAsync(agent.Agent.Id, default))!.Lease.RenewTime);

        // A platform agent's key renews in the platform context.
        var (platform, platformKey) = await RegisterWithKeyAsync(store, null, null, null, SecretHash.Sha256Hex(secret));
        var platformRenewal = await store.TryRenewLeaseWithKeyAsync(proof with { KeyId = platformKey.Id },
            Request(T0.AddSeconds(25), who: platform.Lease.HolderIdentity), default);
        Assert.Equal((platform.Agent.Id, (string?)null, T0.AddSeconds(25)),
            (platformRenewal?.Agent!.Agent.Id, platformRenewal?.Agent!.Agent.TenantId, platformRenewal?.Agent!.Lease.RenewTime));

        // Deregistered: refused.
        var (gone, goneKey) = await RegisterWithKeyAsync(store, tenant.Id, null, null, SecretHash.Sha256Hex(secret));
        await store.DeregisterAgentAsync(gone.Agent.Id, T0.AddSeconds(30), default);
        Assert.Null(await store.TryRenewLeaseWithKeyAsync(proof with { KeyId = goneKey.Id }, Request(T0.AddSeconds(31), who: gone.Lease.HolderIdentity), default));
    }

    [Fact]
    public async Task CancelCommand_QueuedAtOnce_RunningOnAgentReport_Idempotent()
    {
        var store = await CreateStoreAsync();
        var (tenant, agent) = await NewAgentAsync(store);
        var running = (await store.EnqueueCommandAsync(NewCommand(tenant.Id, createdAt: T0), default)).Command;
        var claimed = Assert.Single(await ClaimAsync(store, agent, T0));
        await store.StartCommandAsync(Ref(claimed, agent), T0, default);
        var queued = (await store.EnqueueCommandAsync(NewCommand(tenant.Id, createdAt: T0.AddSeconds(1)), default)).Command;

        var canceledQueued = await store.CancelCommandAsync(queued.Id, T0.AddSeconds(2), default);
        Assert.Equal(CommandStatus.Canceled, canceledQueued!.Status);
        Assert.Equal(CommandStatus.Canceled, (await store.CancelCommandAsync(queued.Id, T0.AddSeconds(3), default))!.Status);

        var marked = await store.CancelCommandAsync(running.Id, T0.AddSeconds(2), default);
        Assert.Equal(CommandStatus.Running, marked!.Status);
        Assert.True(marked.CancelRequested);
        Assert.Equal([running.Id], await store.GetStopRequestsAsync(agent.Agent.Id, T0, default));

        // Whatever the agent reports, a requested cancel wins.
        var reported = await store.CompleteCommandAsync(Completion(claimed, agent, CommandStatus.Succeeded), default);
        Assert.Equal(CommandStatus.Canceled, reported.Command!.Status);
        Assert.Empty(await store.GetStopRequestsAsync(agent.Agent.Id, T0, default));
        Assert.Null(await store.CancelCommandAsync("zzzzzzzzzzzz", T0, default));
    }

    [Fact]
    public async Task SweepCommands_LeaseExpired_RequeuedThenReclaimedWithNewTokenAndOldTokenRefused()
    {
        var store = await CreateStoreAsync();
        var (tenant, agent) = await NewAgentAsync(store);
        var second = await NewAgentAsync(store, tenant);
        await store.EnqueueCommandAsync(NewCommand(tenant.Id), default);
        var claimed = Assert.Single(await ClaimAsync(store, agent, T0));

        Assert.Equal(0, (await store.SweepCommandsAsync(T0.AddSeconds(10), default)).Total);
        await RenewAsync(store, second, T0.AddSeconds(50));
        Assert.Contains(agent.Agent.Id, await store.ExpireLeasesAsync(T0.AddSeconds(50), default));
        var sweep = await store.SweepCommandsAsync(T0.AddSeconds(50), default);
        Assert.Equal([claimed.Id], sweep.Requeued);

        var reclaimed = Assert.Single(await ClaimAsync(store, second, T0.AddSeconds(51)));
        Assert.Equal(claimed.Id, reclaimed.Id);
        Assert.Equal((2, 2L), (reclaimed.Attempt, reclaimed.FencingToken));
        var late = await store.CompleteCommandAsync(Completion(claimed, agent, CommandStatus.Succeeded), default);
        Assert.NotEqual(CommandUpdateOutcome.Applied, late.Outcome);
        var current = (await store.GetCommandAsync(claimed.Id, default))!;
        Assert.Equal((CommandStatus.Claimed, second.Agent.Id), (current.Status, current.AgentId));
    }

    [Fact]
    public async Task SweepCommands_HolderChangedAttemptsUsedUpOrCancelRequested_FailedOrCanceledNeverRequeued()
    {
        var store = await CreateStoreAsync();
        var (tenant, agent) = await NewAgentAsync(store);
        var lastTry = (await store.EnqueueCommandAsync(NewCommand(tenant.Id, createdAt: T0, maxAttempts: 1), default)).Command;
        var toCancel = (await store.EnqueueCommandAsync(NewCommand(tenant.Id, createdAt: T0.AddMilliseconds(1)), default)).Command;
        var again = (await store.EnqueueCommandAsync(NewCommand(tenant.Id, createdAt: T0.AddMilliseconds(2)), default)).Command;
        Assert.Equal(3, (await ClaimAsync(store, agent, T0.AddMilliseconds(2), max: 3)).Count);
        await store.CancelCommandAsync(toCancel.Id, T0, default);

        // The agent restarted: a new holder took the lease over; the old holder's claims are gone.
        var takeover = await store.RenewLeaseAsync(new LeaseRenewRequest(agent.Agent.Id, "host/2/new", true, 40, T0.AddSeconds(1)), default);
        Assert.Equal(LeaseRenewOutcome.Acquired, takeover.Outcome);
        var sweep = await store.SweepCommandsAsync(T0.AddSeconds(1), default);
        Assert.Equal([lastTry.Id], sweep.FailedLeaseLost);
        Assert.Equal([toCancel.Id], sweep.CanceledLeaseLost);
        Assert.Equal([again.Id], sweep.Requeued);
        Assert.Equal(CommandStatus.Failed, (await store.GetCommandAsync(lastTry.Id, default))!.Status);
        Assert.Equal(CommandStatus.Canceled, (await store.GetCommandAsync(toCancel.Id, default))!.Status);
        Assert.Equal(0, (await store.SweepCommandsAsync(T0.AddSeconds(2), default)).Total);
    }

    [Fact]
    public async Task SweepCommands_PastDeadline_FailedAndAgentToldToStop()
    {
        var store = await CreateStoreAsync();
        var (tenant, agent) = await NewAgentAsync(store);
        await store.EnqueueCommandAsync(NewCommand(tenant.Id, timeoutSeconds: 30), default);
        var claimed = Assert.Single(await ClaimAsync(store, agent, T0));
        await store.StartCommandAsync(Ref(claimed, agent), T0, default);
        await RenewAsync(store, agent, T0.AddSeconds(25));

        Assert.Empty((await store.SweepCommandsAsync(T0.AddSeconds(29), default)).TimedOut);
        await RenewAsync(store, agent, T0.AddSeconds(31));
        Assert.Equal([claimed.Id], (await store.SweepCommandsAsync(T0.AddSeconds(31), default)).TimedOut);
        var read = (await store.GetCommandAsync(claimed.Id, default))!;
        Assert.Equal(CommandStatus.Failed, read.Status);
        Assert.Contains("timed out", read.StatusReason);
        Assert.Equal([claimed.Id], await store.GetStopRequestsAsync(agent.Agent.Id, T0, default));
        Assert.Empty(await store.GetStopRequestsAsync(agent.Agent.Id, T0.AddMinutes(5), default));
    }

    [Fact]
    public async Task RenewLease_AskedForStopRequests_ReturnsWhatGetStopRequestsReturns()
    {
        var store = await CreateStoreAsync();
        var (tenant, agent) = await NewAgentAsync(store);
        await store.EnqueueCommandAsync(NewCommand(tenant.Id, timeoutSeconds: 30), default);
        var claimed = Assert.Single(await ClaimAsync(store, agent, T0));
        await RenewAsync(store, agent, T0.AddSeconds(31));
        await store.SweepCommandsAsync(T0.AddSeconds(31), default);

        // Both stores read them with a held lease's renewal, in the same transaction (round trip), as GetStopRequests does.
        foreach (var (after, expected) in new[] { (T0, new[] { claimed.Id }), (T0.AddMinutes(5), []) })
        {
            var renewal = await store.RenewLeaseAsync(new LeaseRenewRequest(agent.Agent.Id, agent.Lease.HolderIdentity!, false, 40, T0.AddSeconds(32),
                StopRequestsFinishedAfter: after), default);
            Assert.Equal(LeaseRenewOutcome.Renewed, renewal.Outcome);
            Assert.Equal(expected, await store.GetStopRequestsAsync(agent.Agent.Id, after, default));
            Assert.Equal(expected, renewal.StopRequests);
        }
    }

    [Fact]
    public async Task ListCommandsAndQueueDepth_FilterAndCount()
    {
        var store = await CreateStoreAsync();
        var (tenant, agent) = await NewAgentAsync(store);
        var other = await NewTenantAsync(store);
        for (var i = 0; i < 3; i++)
        {
            await store.EnqueueCommandAsync(NewCommand(tenant.Id, createdAt: T0.AddMilliseconds(i)), default);
        }

        await store.EnqueueCommandAsync(NewCommand(other.Id, createdAt: T0.AddMilliseconds(5)), default);
        var claimed = Assert.Single(await ClaimAsync(store, agent, T0));

        var queued = await store.ListCommandsAsync(new CommandQuery(tenant.Id, [CommandStatus.Queued]), PageRequest.First(), default);
        Assert.Equal(2, queued.Count);
        var byAgent = await store.ListCommandsAsync(new CommandQuery(AgentId: agent.Agent.Id), PageRequest.First(), default);
        Assert.Equal([claimed.Id], byAgent.Select(c => c.Id));
        var firstPage = await store.ListCommandsAsync(new CommandQuery(), new PageRequest(2), default);
        var secondPage = await store.ListCommandsAsync(new CommandQuery(), new PageRequest(2, new PageCursor(firstPage[^1].CreatedAt, firstPage[^1].Id)), default);
        Assert.Equal(4, firstPage.Concat(secondPage).Select(c => c.Id).Distinct().Count());

        var depth = await store.GetQueueDepthAsync(default);
        Assert.Contains(new QueueDepth(tenant.Id, CommandStatus.Queued, 2), depth);
        Assert.Contains(new QueueDepth(tenant.Id, CommandStatus.Claimed, 1), depth);
        Assert.Contains(new QueueDepth(other.Id, CommandStatus.Queued, 1), depth);
    }

    // ---- helpers ----

    private static async Task<Tenant> NewTenantAsync(IControlPlaneStore store)
    {
        var tenant = TestData.NewTenant();
        await store.CreateTenantAsync(tenant, default);
        return tenant;
    }

    private static async Task<(Tenant Tenant, AgentWithLease Agent)> NewAgentAsync(IControlPlaneStore store)
    {
        var tenant = await NewTenantAsync(store);
        return (tenant, await NewAgentAsync(store, tenant));
    }

    private static Task<AgentWithLease> NewAgentAsync(IControlPlaneStore store, Tenant tenant,
        Dictionary<string, string>? labels = null, List<string>? capabilities = null) =>
        RegisterAsync(store, tenant.Id, labels, capabilities);

    private static Task<AgentWithLease> NewPlatformAgentAsync(IControlPlaneStore store) => RegisterAsync(store, null, null, null);

    private static async Task<AgentWithLease> RegisterAsync(IControlPlaneStore store, string? tenantId, Dictionary<string, string>? labels, List<string>? capabilities) =>
        (await RegisterWithKeyAsync(store, tenantId, labels, capabilities, null)).Agent;

    private static async Task<(AgentWithLease Agent, AgentKey Key)> RegisterWithKeyAsync(IControlPlaneStore store, string? tenantId,
        Dictionary<string, string>? labels, List<string>? capabilities, string? keySecretHash)
    {
        var token = TestData.NewToken(tenantId);
        await store.CreateBootstrapTokenAsync(token, default);
        var registration = TestData.NewRegistration(token, T0, keySecretHash);
        var agent = new Agent
        {
            Id = registration.Agent.Id,
            Name = registration.Agent.Name,
            TenantId = tenantId,
            Labels = labels ?? [],
            Capabilities = (capabilities ?? ["shellcheck"]).Select(c => new Capability { Scanner = c }).ToList(),
            RegisteredAt = T0,
            BootstrapTokenId = token.Id,
        };
        Assert.True(await store.RegisterAgentAsync(registration with { Agent = agent }, default));
        var renewal = await store.RenewLeaseAsync(new LeaseRenewRequest(agent.Id, $"host/{agent.Id}", true, 40, T0), default);
        return (renewal.Agent!, registration.Key);
    }

    private static Task RenewAsync(IControlPlaneStore store, AgentWithLease agent, DateTimeOffset now) =>
        store.RenewLeaseAsync(new LeaseRenewRequest(agent.Agent.Id, agent.Lease.HolderIdentity!, false, 40, now), default);

    private static Task<IReadOnlyList<Command>> ClaimAsync(IControlPlaneStore store, AgentWithLease agent, DateTimeOffset now, int max = 1) =>
        store.ClaimCommandsAsync(new ClaimRequest(agent.Agent.Id, agent.Agent.TenantId, agent.Agent.Labels,
            agent.Agent.Capabilities.Select(c => c.Scanner).ToList(), agent.Lease.HolderIdentity!, max, now), default);

    private static CommandRef Ref(Command command, AgentWithLease agent) => new(command.Id, agent.Agent.Id, command.FencingToken);

    private static CommandCompletion Completion(Command command, AgentWithLease agent, CommandStatus outcome, bool retryable = false, long findings = 0) =>
        new(Ref(command, agent), outcome, retryable, outcome == CommandStatus.Succeeded ? 0 : 2, "summary",
            outcome == CommandStatus.Failed ? "boom" : "", "log tail", findings, false, T0.AddSeconds(5), T0.AddSeconds(15));

    private static Command NewCommand(string tenantId, string scanner = "shellcheck", int priority = 0, string? key = null,
        string? targetAgentId = null, Dictionary<string, string>? labels = null, DateTimeOffset? createdAt = null, DateTimeOffset? notBefore = null,
        DateTimeOffset? expiresAt = null, int maxAttempts = 3, int timeoutSeconds = 600)
    {
        var created = createdAt ?? T0;
        var available = notBefore ?? created;
        return new Command
        {
            Id = SecretToken.NewId(),
            TenantId = tenantId,
            Scanner = scanner,
            Parameters = scanner == "nmap" ? new() { ["host"] = "127.0.0.1", ["ports"] = "22" } : new() { ["path"] = "/srv/app" },
            TargetAgentId = targetAgentId,
            SelectorLabels = labels ?? [],
            RequiredCapabilities = [scanner],
            Priority = priority,
            MaxAttempts = maxAttempts,
            TimeoutSeconds = timeoutSeconds,
            NotBefore = available,
            ExpiresAt = expiresAt ?? created.AddDays(1),
            IdempotencyKey = key,
            RequestHash = "hash",
            Status = CommandStatus.Queued,
            AvailableAt = available,
            SortKey = Command.ComputeSortKey(available, priority),
            CreatedAt = created,
            CreatedBy = "admin-test",
        };
    }
}
