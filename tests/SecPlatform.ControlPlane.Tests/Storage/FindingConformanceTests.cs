using System.Security.Cryptography;
using System.Text;
using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>
/// The findings part of the storage conformance suite: every provider runs these same tests. Tenants, agents with
/// leases and claimed commands are set up through the store itself, as in production; findings arrive only under a
/// current claim. Times are whole milliseconds after the fixed start of <see cref="TestData"/>.
/// </summary>
public abstract partial class FindingConformanceTests
{
    private static readonly DateTimeOffset T0 = TestData.Start;
    private static readonly DateTimeOffset T1 = T0.AddSeconds(1);
    private static readonly DateTimeOffset T2 = T0.AddSeconds(2);
    private static readonly DateTimeOffset T3 = T0.AddSeconds(3);
    private static readonly DateTimeOffset T4 = T0.AddSeconds(4);

    /// <summary>A fresh, empty store (its own file or database), ready for use.</summary>
    protected abstract Task<IControlPlaneStore> CreateStoreAsync();

    [Fact]
    public async Task IngestFindings_NewBatch_StoresFindingsAndObservationsWithEveryField()
    {
        var store = await CreateStoreAsync();
        var run = await NewRunAsync(store);
        ObservedFinding[] batch = [FileFinding("a"), NetworkFinding("b"), Minimal("c")];

        var result = await IngestAsync(store, run, batch, T1);

        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 3, 0), result);
        Assert.Equal(3, await Findings(store).CountObservedAsync(run.Command.Id, 1, default));
        var listed = await ListAsync(store, new FindingQuery(run.Tenant.Id));
        Assert.Equal(3, listed.Count);
        Assert.Equal(3, listed.Select(f => f.Id).Distinct().Count());
        foreach (var finding in listed)
        {
            Assert.True(SecretToken.IsValidId(finding.Id), $"'{finding.Id}' is not a public id");
            Assert.Equal(run.Tenant.Id, finding.TenantId);
            Assert.Equal((T1, T1), (finding.FirstSeen, finding.LastSeen));
            Assert.Equal(1, finding.Occurrences);
            Assert.Equal(run.Command.Id, finding.LastCommandId);
            Assert.Equal("open", finding.Status);
        }

        foreach (var observed in batch)
        {
            var finding = Assert.Single(listed, f => f.Observed.Fingerprint == observed.Fingerprint);
            AssertObserved(observed, finding.Observed);
            var read = await Findings(store).GetFindingAsync(finding.Id, default);
            Assert.NotNull(read);
            AssertObserved(observed, read.Observed);
            Assert.Equal(Snap(finding), Snap(read));
        }
    }

    [Fact]
    public async Task IngestFindings_ListElementsWithQuotesBackslashesBracesAndCommas_ComeBackAsReported()
    {
        // The PostgreSQL store sends each finding's lists as array literals: every element must survive whatever it holds.
        var store = await CreateStoreAsync();
        var run = await NewRunAsync(store);
        List<string> awkward = ["a \"quoted\" id", "back\\slash\\", "{braces}", "comma, inside", "", "NULL", " spaced ", "Ünïcode\ttab\nline", "CVE-2024-3094"];
        ObservedFinding[] batch = [FileFinding("lists", cves: awkward, cwes: [.. awkward.AsEnumerable().Reverse()]), FileFinding("empty", cves: [], cwes: [])];

        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 2, 0), await IngestAsync(store, run, batch, T1));

        var listed = await ListAsync(store, new FindingQuery(run.Tenant.Id));
        foreach (var observed in batch)
        {
            AssertObserved(observed, Assert.Single(listed, f => f.Observed.Fingerprint == observed.Fingerprint).Observed);
        }
    }

    [Fact]
    public async Task IngestFindings_ClaimedThenRunning_BothAccepted()
    {
        var store = await CreateStoreAsync();
        var run = await NewRunAsync(store);
        Assert.Equal(CommandUpdateOutcome.Applied, (await IngestAsync(store, run, [Minimal("claimed")], T1)).Outcome);
        Assert.Equal(CommandUpdateOutcome.Applied, (await store.StartCommandAsync(run.Ref, T1, default)).Outcome);
        Assert.Equal(CommandUpdateOutcome.Applied, (await IngestAsync(store, run, [Minimal("running")], T2)).Outcome);
        Assert.Equal(2, await Findings(store).CountObservedAsync(run.Command.Id, 1, default));
    }

    [Fact]
    public async Task IngestFindings_EmptyBatch_AppliedWithNothingStored()
    {
        var store = await CreateStoreAsync();
        var run = await NewRunAsync(store);
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 0, 0), await IngestAsync(store, run, [], T1));
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Stale, 0, 0), await IngestAsync(store, run with { Token = 7 }, [], T1));
        Assert.Empty(await ListAsync(store, new FindingQuery(run.Tenant.Id)));
    }

    [Fact]
    public async Task IngestFindings_SameBatchResent_CountedAsDuplicatesAndNothingChanges()
    {
        var store = await CreateStoreAsync();
        var run = await NewRunAsync(store);
        ObservedFinding[] batch = [FileFinding("a"), NetworkFinding("b"), Minimal("c")];
        await IngestAsync(store, run, batch, T1);
        var before = await SnapshotAsync(store, run.Tenant.Id);

        var resent = await IngestAsync(store, run, batch, T2);

        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 0, 3), resent);
        Assert.Equal(before, await SnapshotAsync(store, run.Tenant.Id));
        Assert.All(before, f => Assert.Equal((T1, 1L), (f.LastSeen, f.Occurrences)));
        Assert.Equal(3, await Findings(store).CountObservedAsync(run.Command.Id, 1, default));
    }

    [Fact]
    public async Task IngestFindings_ResentInOtherBatchBoundaries_NothingChanges()
    {
        var store = await CreateStoreAsync();
        var run = await NewRunAsync(store);
        var all = Enumerable.Range(0, 6).Select(i => Minimal($"f{i}")).ToArray();
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 6, 0), await IngestAsync(store, run, all, T1));
        var before = await SnapshotAsync(store, run.Tenant.Id);

        // The outbox resends the same run cut into overlapping halves.
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 0, 4), await IngestAsync(store, run, all[..4], T2));
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 0, 4), await IngestAsync(store, run, all[2..], T3));

        Assert.Equal(before, await SnapshotAsync(store, run.Tenant.Id));
        Assert.Equal(6, await Findings(store).CountObservedAsync(run.Command.Id, 1, default));
    }

    [Fact]
    public async Task IngestFindings_OverlappingPartialDeliveries_EachFingerprintStoredOnceWhenFirstDelivered()
    {
        var store = await CreateStoreAsync();
        var run = await NewRunAsync(store);
        var all = Enumerable.Range(0, 6).Select(i => Minimal($"f{i}")).ToArray();

        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 4, 0), await IngestAsync(store, run, all[..4], T1));
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 2, 2), await IngestAsync(store, run, all[2..], T2));
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 0, 6), await IngestAsync(store, run, Enumerable.Reverse(all).ToArray(), T3));

        var findings = (await ListAsync(store, new FindingQuery(run.Tenant.Id))).ToDictionary(f => f.Observed.Fingerprint);
        Assert.Equal(6, findings.Count);
        Assert.All(findings.Values, f => Assert.Equal(1, f.Occurrences));
        // A resend never moves last seen: each finding keeps the time of its first delivery.
        Assert.All(all[..4], f => Assert.Equal(T1, findings[f.Fingerprint].LastSeen));
        Assert.All(all[4..], f => Assert.Equal(T2, findings[f.Fingerprint].LastSeen));
        Assert.Equal(6, await Findings(store).CountObservedAsync(run.Command.Id, 1, default));
    }

    [Fact]
    public async Task IngestFindings_RepeatsWithinBatch_CountedOnceAndFirstReportKept()
    {
        var store = await CreateStoreAsync();
        var run = await NewRunAsync(store);
        var first = Minimal("a", title: "first report");
        var repeat = Minimal("a", title: "second report");

        var result = await IngestAsync(store, run, [first, Minimal("b"), repeat, first], T1);

        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 2, 0), result);
        Assert.Equal(2, await Findings(store).CountObservedAsync(run.Command.Id, 1, default));
        var findings = await ListAsync(store, new FindingQuery(run.Tenant.Id));
        Assert.Equal(2, findings.Count);
        var a = Assert.Single(findings, f => f.Observed.Fingerprint == first.Fingerprint);
        Assert.Equal(("first report", 1L), (a.Observed.Title, a.Occurrences));
    }

    [Fact]
    public async Task IngestFindings_LaterCommandSeesSameFingerprint_UpdatesLastSeenOccurrencesAndFieldsKeepsFirstSeen()
    {
        var store = await CreateStoreAsync();
        var first = await NewRunAsync(store);
        await IngestAsync(store, first, [FileFinding("a"), Minimal("b")], T1);
        var original = Assert.Single(await ListAsync(store, new FindingQuery(first.Tenant.Id)), f => f.Observed.Fingerprint == Fingerprint("a"));

        var second = await NewRunAsync(store, first.Tenant, first.Agent, T2);
        var changed = FileFinding("a", severity: Severity.High, message: "still there, now worse", cves: ["CVE-2025-0003"], cwes: []);
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 1, 0), await IngestAsync(store, second, [changed], T2));

        var seenAgain = (await Findings(store).GetFindingAsync(original.Id, default))!;
        Assert.Equal((first.Tenant.Id, T1, T2, 2L, second.Command.Id, "open"),
            (seenAgain.TenantId, seenAgain.FirstSeen, seenAgain.LastSeen, seenAgain.Occurrences, seenAgain.LastCommandId, seenAgain.Status));
        AssertObserved(changed, seenAgain.Observed);
        var untouched = Assert.Single(await ListAsync(store, new FindingQuery(first.Tenant.Id)), f => f.Observed.Fingerprint == Fingerprint("b"));
        Assert.Equal((T1, 1L, first.Command.Id), (untouched.LastSeen, untouched.Occurrences, untouched.LastCommandId));
        Assert.Equal(2, (await ListAsync(store, new FindingQuery(first.Tenant.Id))).Count);

        // A late resend of the first run's batch is a duplicate: it neither counts nor takes the finding back.
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 0, 2), await IngestAsync(store, first, [FileFinding("a"), Minimal("b")], T3));
        Assert.Equal(Snap(seenAgain), Snap((await Findings(store).GetFindingAsync(original.Id, default))!));

        Assert.Equal(2, await Findings(store).CountObservedAsync(first.Command.Id, 1, default));
        Assert.Equal(1, await Findings(store).CountObservedAsync(second.Command.Id, 1, default));
        Assert.Equal(Fingerprints("a", "b"), FingerprintsOf(await ListAsync(store, new FindingQuery(first.Tenant.Id, first.Command.Id, 1))));
        Assert.Equal(Fingerprints("a"), FingerprintsOf(await ListAsync(store, new FindingQuery(first.Tenant.Id, second.Command.Id, 1))));
    }

    [Fact]
    public async Task IngestFindings_StaleToken_RefusedAndNothingWritten()
    {
        var store = await CreateStoreAsync();
        var run = await NewRunAsync(store);

        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Stale, 0, 0), await IngestAsync(store, run with { Token = 2 }, [Minimal("a")], T1));
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Stale, 0, 0), await IngestAsync(store, run with { Token = 0 }, [Minimal("a")], T1));

        Assert.Equal(0, await Findings(store).CountObservedAsync(run.Command.Id, 1, default));
        Assert.Empty(await ListAsync(store, new FindingQuery(run.Tenant.Id)));
        Assert.Empty(await ListAsync(store, new FindingQuery()));
        // The refusal left the claim as it was: the current token still delivers.
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 1, 0), await IngestAsync(store, run, [Minimal("a")], T2));
    }

    [Fact]
    public async Task IngestFindings_OtherAgentUnknownOrUnclaimedCommand_NotFoundAndNothingWritten()
    {
        var store = await CreateStoreAsync();
        var run = await NewRunAsync(store);
        var sameTenantAgent = await RegisterAsync(store, run.Tenant.Id);
        var (_, otherTenantAgent) = await NewAgentAsync(store);
        var queued = (await store.EnqueueCommandAsync(NewCommand(run.Tenant.Id, T1), default)).Command;
        var notFound = new FindingIngestResult(CommandUpdateOutcome.NotFound, 0, 0);

        Assert.Equal(notFound, await IngestAsync(store, new CommandRef(run.Command.Id, sameTenantAgent.Agent.Id, 1), [Minimal("a")], T1));
        Assert.Equal(notFound, await IngestAsync(store, new CommandRef(run.Command.Id, otherTenantAgent.Agent.Id, 1), [Minimal("a")], T1));
        Assert.Equal(notFound, await IngestAsync(store, new CommandRef("zzzzzzzzzzzz", run.Agent.Agent.Id, 1), [Minimal("a")], T1));
        Assert.Equal(notFound, await IngestAsync(store, new CommandRef(queued.Id, run.Agent.Agent.Id, 0), [Minimal("a")], T1));

        Assert.Empty(await ListAsync(store, new FindingQuery()));
        Assert.Equal(0, await Findings(store).CountObservedAsync(run.Command.Id, 1, default));
    }

    [Fact]
    public async Task IngestFindings_CommandCompleted_StaleAndNothingWritten()
    {
        var store = await CreateStoreAsync();
        var run = await NewRunAsync(store);
        await IngestAsync(store, run, [Minimal("a")], T1);
        var done = await store.CompleteCommandAsync(new CommandCompletion(run.Ref, CommandStatus.Succeeded, false, 0, "summary", "", "log tail", 1,
            false, T2, T2), default);
        Assert.Equal(CommandUpdateOutcome.Applied, done.Outcome);
        var before = await SnapshotAsync(store, run.Tenant.Id);

        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Stale, 0, 0), await IngestAsync(store, run, [Minimal("b")], T3));
        // Even a resend of what it delivered is refused, not counted as a duplicate.
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Stale, 0, 0), await IngestAsync(store, run, [Minimal("a")], T3));

        Assert.Equal(before, await SnapshotAsync(store, run.Tenant.Id));
        Assert.Equal(1, await Findings(store).CountObservedAsync(run.Command.Id, 1, default));
    }

    [Fact]
    public async Task IngestFindings_RequeuedAfterLeaseLossAndReclaimed_OldAttemptStaleNewAttemptIngests()
    {
        var store = await CreateStoreAsync();
        var run = await NewRunAsync(store);
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 2, 0), await IngestAsync(store, run, [Minimal("a"), Minimal("b")], T1));

        // The agent's lease expires and its claim goes back to the queue; the agent comes back and claims it again.
        Assert.Contains(run.Agent.Agent.Id, await store.ExpireLeasesAsync(T0.AddSeconds(50), default));
        Assert.Equal([run.Command.Id], (await store.SweepCommandsAsync(T0.AddSeconds(50), default)).Requeued);
        var renewal = await store.RenewLeaseAsync(new LeaseRenewRequest(run.Agent.Agent.Id, run.Agent.Lease.HolderIdentity!, true, 40, T0.AddSeconds(51)), default);
        Assert.Equal(LeaseRenewOutcome.Acquired, renewal.Outcome);
        var reclaimed = Assert.Single(await ClaimAsync(store, run.Agent, T0.AddSeconds(51)));
        Assert.Equal((run.Command.Id, 2, 2L), (reclaimed.Id, reclaimed.Attempt, reclaimed.FencingToken));
        var retry = run with { Command = reclaimed, Token = 2 };

        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Stale, 0, 0), await IngestAsync(store, run, [Minimal("c")], T0.AddSeconds(52)));
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Stale, 0, 0), await IngestAsync(store, run, [Minimal("a")], T0.AddSeconds(52)));

        // Attempt 2 is a new run: what attempt 1 delivered is new to it.
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 2, 0), await IngestAsync(store, retry, [Minimal("a"), Minimal("c")], T0.AddSeconds(53)));
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 0, 2), await IngestAsync(store, retry, [Minimal("c"), Minimal("a")], T0.AddSeconds(54)));

        Assert.Equal(2, await Findings(store).CountObservedAsync(run.Command.Id, 1, default));
        Assert.Equal(2, await Findings(store).CountObservedAsync(run.Command.Id, 2, default));
        Assert.Equal(Fingerprints("a", "b"), FingerprintsOf(await ListAsync(store, new FindingQuery(run.Tenant.Id, run.Command.Id, 1))));
        Assert.Equal(Fingerprints("a", "c"), FingerprintsOf(await ListAsync(store, new FindingQuery(run.Tenant.Id, run.Command.Id, 2))));
        var findings = (await ListAsync(store, new FindingQuery(run.Tenant.Id))).ToDictionary(f => f.Observed.Fingerprint);
        Assert.Equal(3, findings.Count);
        Assert.Equal((T1, T0.AddSeconds(53), 2L), (findings[Fingerprint("a")].FirstSeen, findings[Fingerprint("a")].LastSeen, findings[Fingerprint("a")].Occurrences));
        Assert.Equal((T1, 1L), (findings[Fingerprint("b")].LastSeen, findings[Fingerprint("b")].Occurrences));
        Assert.Equal((T0.AddSeconds(53), 1L), (findings[Fingerprint("c")].FirstSeen, findings[Fingerprint("c")].Occurrences));
    }

    [Fact]
    public async Task IngestFindings_ReclaimedByAnotherAgent_OldHolderNotFoundNewHolderIngests()
    {
        var store = await CreateStoreAsync();
        var run = await NewRunAsync(store);
        var second = await RegisterAsync(store, run.Tenant.Id);
        await RenewAsync(store, second, T0.AddSeconds(50));
        Assert.Contains(run.Agent.Agent.Id, await store.ExpireLeasesAsync(T0.AddSeconds(50), default));
        Assert.Equal([run.Command.Id], (await store.SweepCommandsAsync(T0.AddSeconds(50), default)).Requeued);
        var reclaimed = Assert.Single(await ClaimAsync(store, second, T0.AddSeconds(51)));

        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.NotFound, 0, 0), await IngestAsync(store, run, [Minimal("late")], T0.AddSeconds(52)));
        var current = new Run(run.Tenant, second, reclaimed, reclaimed.FencingToken);
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 1, 0), await IngestAsync(store, current, [Minimal("fresh")], T0.AddSeconds(52)));
        Assert.Equal(Fingerprints("fresh"), FingerprintsOf(await ListAsync(store, new FindingQuery(run.Tenant.Id))));
    }

    [Fact]
    public async Task CountObserved_PerAttempt_DistinctFingerprintsOfThatAttemptOnly()
    {
        var store = await CreateStoreAsync();
        var first = await NewRunAsync(store);
        var second = await NewRunAsync(store, first.Tenant, first.Agent, T1);
        await IngestAsync(store, first, [Minimal("a"), Minimal("b")], T1);
        await IngestAsync(store, first, [Minimal("b"), Minimal("c"), Minimal("c")], T2);
        await IngestAsync(store, second, [Minimal("a")], T2);

        var findings = Findings(store);
        Assert.Equal(3, await findings.CountObservedAsync(first.Command.Id, 1, default));
        Assert.Equal(1, await findings.CountObservedAsync(second.Command.Id, 1, default));
        Assert.Equal(0, await findings.CountObservedAsync(first.Command.Id, 2, default));
        Assert.Equal(0, await findings.CountObservedAsync(first.Command.Id, 0, default));
        Assert.Equal(0, await findings.CountObservedAsync("zzzzzzzzzzzz", 1, default));
    }

    [Fact]
    public async Task ListFindings_ByTenant_OtherTenantsNeverListedAndSameFingerprintKeptApart()
    {
        var store = await CreateStoreAsync();
        var a = await NewRunAsync(store);
        var b = await NewRunAsync(store);
        await IngestAsync(store, a, [Minimal("shared", title: "seen by a"), Minimal("only-a")], T1);
        await IngestAsync(store, b, [Minimal("shared", title: "seen by b"), Minimal("only-b")], T2);

        var ofA = await ListAsync(store, new FindingQuery(a.Tenant.Id));
        var ofB = await ListAsync(store, new FindingQuery(b.Tenant.Id));
        Assert.Equal(Fingerprints("shared", "only-a"), FingerprintsOf(ofA));
        Assert.Equal(Fingerprints("shared", "only-b"), FingerprintsOf(ofB));
        Assert.All(ofA, f => Assert.Equal(a.Tenant.Id, f.TenantId));
        Assert.All(ofB, f => Assert.Equal(b.Tenant.Id, f.TenantId));

        var sharedA = Assert.Single(ofA, f => f.Observed.Fingerprint == Fingerprint("shared"));
        var sharedB = Assert.Single(ofB, f => f.Observed.Fingerprint == Fingerprint("shared"));
        Assert.NotEqual(sharedA.Id, sharedB.Id);
        Assert.Equal(("seen by a", 1L, T1), (sharedA.Observed.Title, sharedA.Occurrences, sharedA.LastSeen));
        Assert.Equal(("seen by b", 1L, T2), (sharedB.Observed.Title, sharedB.Occurrences, sharedB.LastSeen));
        Assert.Equal(a.Tenant.Id, (await Findings(store).GetFindingAsync(sharedA.Id, default))!.TenantId);
        Assert.Equal(b.Tenant.Id, (await Findings(store).GetFindingAsync(sharedB.Id, default))!.TenantId);

        // Without a tenant (the platform view) every tenant's findings are listed; a command filter stays in its tenant.
        Assert.Equal(4, (await ListAsync(store, new FindingQuery())).Count);
        Assert.Empty(await ListAsync(store, new FindingQuery(b.Tenant.Id, a.Command.Id, 1)));
        Assert.Equal(2, (await ListAsync(store, new FindingQuery(null, a.Command.Id, 1))).Count);
    }

    [Fact]
    public async Task ListFindings_ByCommandAttempt_OnlyFindingsThatAttemptObserved()
    {
        var store = await CreateStoreAsync();
        var first = await NewRunAsync(store);
        var second = await NewRunAsync(store, first.Tenant, first.Agent, T1);
        await IngestAsync(store, first, [Minimal("a"), Minimal("b"), Minimal("c")], T1);
        await IngestAsync(store, second, [Minimal("c"), Minimal("d")], T2);

        Assert.Equal(Fingerprints("a", "b", "c"), FingerprintsOf(await ListAsync(store, new FindingQuery(first.Tenant.Id, first.Command.Id, 1))));
        Assert.Equal(Fingerprints("c", "d"), FingerprintsOf(await ListAsync(store, new FindingQuery(first.Tenant.Id, second.Command.Id, 1))));
        Assert.Empty(await ListAsync(store, new FindingQuery(first.Tenant.Id, first.Command.Id, 2)));
        Assert.Empty(await ListAsync(store, new FindingQuery(first.Tenant.Id, first.Command.Id, 0)));
        Assert.Empty(await ListAsync(store, new FindingQuery(first.Tenant.Id, "zzzzzzzzzzzz", 1)));
        Assert.Equal(Fingerprints("a", "b", "c", "d"), FingerprintsOf(await ListAsync(store, new FindingQuery(first.Tenant.Id))));

        // The finding both runs saw is one finding, listed for each run as it is now.
        var c = Assert.Single(await ListAsync(store, new FindingQuery(first.Tenant.Id, first.Command.Id, 1)), f => f.Observed.Fingerprint == Fingerprint("c"));
        Assert.Equal((2L, second.Command.Id, T2), (c.Occurrences, c.LastCommandId, c.LastSeen));
    }

    [Fact]
    public async Task ListFindings_Pages_KeysetInFirstSeenThenIdOrder()
    {
        var store = await CreateStoreAsync();
        var first = await NewRunAsync(store);
        var other = await NewRunAsync(store);
        // Findings that share a first-seen time are ordered by id.
        await IngestAsync(store, first, Enumerable.Range(0, 4).Select(i => Minimal($"t1-{i}")).ToArray(), T1);
        await IngestAsync(store, other, [Minimal("other-tenant")], T1);
        await IngestAsync(store, first, Enumerable.Range(0, 3).Select(i => Minimal($"t2-{i}")).ToArray(), T2);
        await IngestAsync(store, first, Enumerable.Range(0, 3).Select(i => Minimal($"t3-{i}")).ToArray(), T3);
        // Seen again later by another run: the order follows first seen, so nothing moves.
        var second = await NewRunAsync(store, first.Tenant, first.Agent, T3);
        await IngestAsync(store, second, [Minimal("t1-0"), Minimal("t2-2")], T4);

        var all = await ListAsync(store, new FindingQuery(first.Tenant.Id));
        Assert.Equal(10, all.Count);
        Assert.Equal(all.OrderBy(f => f.FirstSeen).ThenBy(f => f.Id, StringComparer.Ordinal).Select(f => f.Id), all.Select(f => f.Id));
        Assert.Equal([.. Enumerable.Repeat(T1, 4), .. Enumerable.Repeat(T2, 3), .. Enumerable.Repeat(T3, 3)], all.Select(f => f.FirstSeen));

        Assert.Equal(all.Select(f => f.Id), (await WalkAsync(store, new FindingQuery(first.Tenant.Id), 3)).Select(f => f.Id));
        Assert.Equal(all.Select(f => f.Id), (await WalkAsync(store, new FindingQuery(first.Tenant.Id, first.Command.Id, 1), 4)).Select(f => f.Id));
        Assert.Equal(all.Where(f => f.Occurrences == 2).Select(f => f.Id),
            (await WalkAsync(store, new FindingQuery(first.Tenant.Id, second.Command.Id, 1), 1)).Select(f => f.Id));
        var everyTenant = await WalkAsync(store, new FindingQuery(), 4);
        Assert.Equal(11, everyTenant.Select(f => f.Id).Distinct().Count());
        Assert.Equal(everyTenant.OrderBy(f => f.FirstSeen).ThenBy(f => f.Id, StringComparer.Ordinal).Select(f => f.Id), everyTenant.Select(f => f.Id));

        var after = new PageCursor(all[5].FirstSeen, all[5].Id);
        Assert.Equal(all.Skip(6).Take(2).Select(f => f.Id),
            (await Findings(store).ListFindingsAsync(new FindingQuery(first.Tenant.Id), new PageRequest(2, after), default)).Select(f => f.Id));
        Assert.Empty(await Findings(store).ListFindingsAsync(new FindingQuery(first.Tenant.Id), new PageRequest(0), default));
        Assert.Empty(await Findings(store).ListFindingsAsync(new FindingQuery(first.Tenant.Id),
            new PageRequest(10, new PageCursor(all[^1].FirstSeen, all[^1].Id)), default));
    }

    [Fact]
    public async Task GetFinding_Unknown_Null()
    {
        var store = await CreateStoreAsync();
        Assert.Null(await Findings(store).GetFindingAsync("zzzzzzzzzzzz", default));
    }

    [Fact]
    public async Task IngestFindings_LargestBatch_StoredWholeAndResentWhole()
    {
        var store = await CreateStoreAsync();
        var run = await NewRunAsync(store);
        // The most the service accepts in one batch (FindingService.MaxBatchFindings), every field filled.
        var batch = Enumerable.Range(0, 1000).Select(i => FileFinding($"big-{i}", line: i + 1)).ToArray();

        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 1000, 0), await IngestAsync(store, run, batch, T1));
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 0, 1000), await IngestAsync(store, run, batch, T2));

        Assert.Equal(1000, await Findings(store).CountObservedAsync(run.Command.Id, 1, default));
        var listed = await Findings(store).ListFindingsAsync(new FindingQuery(run.Tenant.Id), new PageRequest(PageRequest.MaxLimit), default);
        Assert.Equal(1000, listed.Select(f => f.Observed.Fingerprint).Distinct().Count());
        Assert.All(listed, f => Assert.Equal((T1, 1L), (f.LastSeen, f.Occurrences)));
    }

    [Fact]
    public async Task IngestFindings_ConcurrentResendsOfOneAttempt_EachFingerprintStoredOnce()
    {
        var store = await CreateStoreAsync();
        var run = await NewRunAsync(store);
        var all = Enumerable.Range(0, 40).Select(i => Minimal($"c{i}")).ToArray();
        ObservedFinding[][] deliveries = [all, all[..25], all[15..], [.. Enumerable.Reverse(all)], all[10..30]];

        var results = await Task.WhenAll(deliveries.Select(batch => Task.Run(() => IngestAsync(store, run, batch, T1))));

        Assert.All(results, r => Assert.Equal(CommandUpdateOutcome.Applied, r.Outcome));
        Assert.Equal(40, results.Sum(r => r.NewCount));
        Assert.Equal(deliveries.Sum(d => d.Length) - 40, results.Sum(r => r.DuplicateCount));
        var listed = await ListAsync(store, new FindingQuery(run.Tenant.Id));
        Assert.Equal(40, listed.Count);
        Assert.All(listed, f => Assert.Equal(1, f.Occurrences));
        Assert.Equal(40, await Findings(store).CountObservedAsync(run.Command.Id, 1, default));
    }

    [Fact]
    public async Task IngestFindings_ConcurrentRunsSeeSameFingerprints_OneFindingEachObservedByBoth()
    {
        var store = await CreateStoreAsync();
        var first = await NewRunAsync(store);
        var second = await NewRunAsync(store, first.Tenant, first.Agent, T1);
        var all = Enumerable.Range(0, 40).Select(i => Minimal($"s{i}")).ToArray();

        var results = await Task.WhenAll(
            Task.Run(() => IngestAsync(store, first, all, T1)),
            Task.Run(() => IngestAsync(store, second, [.. Enumerable.Reverse(all)], T1)));

        Assert.All(results, r => Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 40, 0), r));
        var listed = await ListAsync(store, new FindingQuery(first.Tenant.Id));
        Assert.Equal(40, listed.Count);
        Assert.All(listed, f => Assert.Equal(2, f.Occurrences));
        Assert.All(listed, f => Assert.Contains(f.LastCommandId, new[] { first.Command.Id, second.Command.Id }));
    }

    [Fact]
    public async Task IngestFindings_ConcurrentRunsOnSharedAssetsSomeWithComponents_AllAppliedCountsExactAssetsSeenAtTheLatest()
    {
        // Every run of a tenant reports the same five assets, in its own order, and two also carry components on them:
        // the asset rows are what concurrent batches of one tenant share, so the lock order must hold (no deadlock).
        var store = await CreateStoreAsync();
        var first = await NewRunAsync(store);
        List<Run> runs = [first];
        for (var i = 0; i < 3; i++)
        {
            runs.Add(await NewRunAsync(store, first.Tenant, await RegisterAsync(store, first.Tenant.Id)));
        }

        ObservedFinding OnAsset(int i) => new()
        {
            Fingerprint = Fingerprint($"shared{i}"),
            Scanner = "shellcheck",
            RuleId = "SC2086",
            Severity = Severity.Low,
            AssetKind = "path",
            AssetValue = $"host-1.example.test:/srv/app/{i % 5}.sh",
        };
        var findings = Enumerable.Range(0, 30).Select(OnAsset).ToArray();
        var times = new[] { T1, T2, T3, T4 };
        var results = await Task.WhenAll(runs.Select((run, r) => Task.Run(() =>
        {
            var batch = r % 2 == 0 ? findings : [.. Enumerable.Reverse(findings)];
            IReadOnlyList<ObservedComponent>? components = r < 2
                ? [.. Enumerable.Range(0, 5).Reverse().Select(i => new ObservedComponent("lib", "1.0", $"pkg:npm/lib@1.{i}", "library", "path", $"host-1.example.test:/srv/app/{i}.sh"))]
                : null;
            return Findings(store).IngestFindingsAsync(new FindingIngest(run.Ref, batch, times[r], components), default);
        })));

        // New to each attempt (the ack's count), once per finding in the tenant.
        Assert.All(results, r => Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 30, 0), r));
        var listed = await ListAsync(store, new FindingQuery(first.Tenant.Id));
        Assert.Equal(30, listed.Count);
        Assert.All(listed, f => Assert.Equal(4, f.Occurrences));
        var assets = await ListAssetsAsync(store, new AssetQuery(first.Tenant.Id));
        Assert.Equal(5, assets.Count);
        Assert.All(assets, a => Assert.Equal(T4, a.LastSeen));
        Assert.Equal(assets.Select(a => a.Id).Order(StringComparer.Ordinal), listed.Select(f => f.AssetId).Distinct().Order(StringComparer.Ordinal));
    }

    // ---- helpers ----

    /// <summary>A claimed command of <see cref="Agent"/> and the fencing token the agent presents (its claim's, unless a test changes it).</summary>
    private sealed record Run(Tenant Tenant, AgentWithLease Agent, Command Command, long Token)
    {
        public CommandRef Ref => new(Command.Id, Agent.Agent.Id, Token);
    }

    private sealed record FindingSnap(string Id, string TenantId, string Fingerprint, string Title, Severity Severity, string Message,
        DateTimeOffset FirstSeen, DateTimeOffset LastSeen, long Occurrences, string LastCommandId, string Status);

    // Until the contract includes it, every provider's store implements IFindingStore beside IControlPlaneStore.
    private static IFindingStore Findings(IControlPlaneStore store) => (IFindingStore)store;

    private static Task<FindingIngestResult> IngestAsync(IControlPlaneStore store, Run run, ObservedFinding[] batch, DateTimeOffset now) =>
        IngestAsync(store, run.Ref, batch, now);

    private static Task<FindingIngestResult> IngestAsync(IControlPlaneStore store, CommandRef reference, ObservedFinding[] batch, DateTimeOffset now) =>
        Findings(store).IngestFindingsAsync(new FindingIngest(reference, batch, now), default);

    private static Task<IReadOnlyList<Finding>> ListAsync(IControlPlaneStore store, FindingQuery query) =>
        Findings(store).ListFindingsAsync(query, PageRequest.First(), default);

    /// <summary>Every page of the list, each resuming after the last finding of the page before.</summary>
    private static async Task<List<Finding>> WalkAsync(IControlPlaneStore store, FindingQuery query, int limit)
    {
        var all = new List<Finding>();
        PageCursor? after = null;
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await Findings(store).ListFindingsAsync(query, new PageRequest(limit, after), default);
            Assert.True(page.Count <= limit);
            all.AddRange(page);
            if (page.Count < limit)
            {
                return all;
            }

            after = new PageCursor(page[^1].FirstSeen, page[^1].Id);
        }

        throw new InvalidOperationException("The pages never ended.");
    }

    private static async Task<List<FindingSnap>> SnapshotAsync(IControlPlaneStore store, string tenantId) =>
        (await ListAsync(store, new FindingQuery(tenantId))).Select(Snap).ToList();

    private static FindingSnap Snap(Finding f) =>
        new(f.Id, f.TenantId, f.Observed.Fingerprint, f.Observed.Title, f.Observed.Severity, f.Observed.Message, f.FirstSeen, f.LastSeen,
            f.Occurrences, f.LastCommandId, f.Status);

    private static void AssertObserved(ObservedFinding expected, ObservedFinding actual)
    {
        Assert.Equal(
            (expected.Fingerprint, expected.Scanner, expected.RuleId, expected.Title, expected.Severity, expected.AssetKind, expected.AssetValue),
            (actual.Fingerprint, actual.Scanner, actual.RuleId, actual.Title, actual.Severity, actual.AssetKind, actual.AssetValue));
        Assert.Equal(
            (expected.Host, expected.File, expected.Line, expected.Column, expected.Port, expected.Protocol, expected.Message, expected.Evidence),
            (actual.Host, actual.File, actual.Line, actual.Column, actual.Port, actual.Protocol, actual.Message, actual.Evidence));
        Assert.Equal(expected.Cves, actual.Cves);
        Assert.Equal(expected.Cwes, actual.Cwes);
    }

    /// <summary>A fingerprint as agents make them: 64 lowercase hex characters (SHA-256).</summary>
    private static string Fingerprint(string name) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    private static string[] Fingerprints(params string[] names) => [.. names.Select(Fingerprint).Order(StringComparer.Ordinal)];

    private static string[] FingerprintsOf(IEnumerable<Finding> findings) =>
        [.. findings.Select(f => f.Observed.Fingerprint).Order(StringComparer.Ordinal)];

    /// <summary>Only the required fields: everything else keeps its default (empty text, zero, no ids).</summary>
    private static ObservedFinding Minimal(string name, string title = "") => new()
    {
        Fingerprint = Fingerprint(name),
        Scanner = "shellcheck",
        RuleId = "SC2086",
        Title = title,
        Severity = Severity.Info,
        AssetKind = "path",
        AssetValue = $"/srv/app/{name}.sh",
    };

    /// <summary>Every field of a file finding set, with text that must come back byte for byte.</summary>
    private static ObservedFinding FileFinding(string name, Severity severity = Severity.Critical, string? message = null,
        List<string>? cves = null, List<string>? cwes = null, int line = 42) => new()
    {
        Fingerprint = Fingerprint(name),
        Scanner = "flawfinder",
        RuleId = "FF1001",
        Title = "strcpy: Does not check for buffer overflows",
        Severity = severity,
        AssetKind = "path",
        AssetValue = $"host-1.example.test:/srv/app/{name}.c",
        Host = "host-1.example.test",
        File = $"/srv/app/{name}.c",
        Line = line,
        Column = 7,
        Message = message ?? "Consider strlcpy.\n  Ünïcode, \"quotes\", a tab\t and trailing spaces  ",
        // Order is kept as reported, not sorted; ids that differ only in case stay apart.
        Cves = cves ?? ["CVE-2024-0002", "CVE-2023-0001", "cve-2023-0001"],
        Cwes = cwes ?? ["CWE-120", "CWE-20"],
        Evidence = "strcpy(buf, ****);",
    };

    private static ObservedFinding NetworkFinding(string name) => new()
    {
        Fingerprint = Fingerprint(name),
        Scanner = "nmap",
        RuleId = "open-port",
        Title = "Open port 22/tcp",
        Severity = Severity.Medium,
        AssetKind = "ip",
        AssetValue = "192.0.2.10",
        Host = "192.0.2.10",
        Port = 22,
        Protocol = "tcp",
        Message = "ssh OpenSSH 9.2p1",
        Evidence = "22/tcp open ssh",
    };

    /// <summary>A new command of <paramref name="tenant"/> claimed by <paramref name="agent"/> (new ones when not given).</summary>
    private static async Task<Run> NewRunAsync(IControlPlaneStore store, Tenant? tenant = null, AgentWithLease? agent = null, DateTimeOffset? at = null)
    {
        var now = at ?? T0;
        if (tenant is null)
        {
            (tenant, agent) = await NewAgentAsync(store);
        }

        agent ??= await RegisterAsync(store, tenant.Id);
        var (command, _) = await store.EnqueueCommandAsync(NewCommand(tenant.Id, now), default);
        var claimed = Assert.Single(await ClaimAsync(store, agent, now));
        Assert.Equal(command.Id, claimed.Id);
        return new Run(tenant, agent, claimed, claimed.FencingToken);
    }

    private static async Task<(Tenant Tenant, AgentWithLease Agent)> NewAgentAsync(IControlPlaneStore store)
    {
        var tenant = TestData.NewTenant();
        await store.CreateTenantAsync(tenant, default);
        return (tenant, await RegisterAsync(store, tenant.Id));
    }

    private static async Task<AgentWithLease> RegisterAsync(IControlPlaneStore store, string tenantId)
    {
        var token = TestData.NewToken(tenantId);
        await store.CreateBootstrapTokenAsync(token, default);
        var registration = TestData.NewRegistration(token, T0);
        var agent = new Agent
        {
            Id = registration.Agent.Id,
            Name = registration.Agent.Name,
            TenantId = tenantId,
            Capabilities = [new Capability { Scanner = "shellcheck" }, new Capability { Scanner = "nmap" }, new Capability { Scanner = "cdxgen" }],
            RegisteredAt = T0,
            BootstrapTokenId = token.Id,
        };
        Assert.True(await store.RegisterAgentAsync(registration with { Agent = agent }, default));
        var renewal = await store.RenewLeaseAsync(new LeaseRenewRequest(agent.Id, $"host/{agent.Id}", true, 40, T0), default);
        return renewal.Agent!;
    }

    private static Task RenewAsync(IControlPlaneStore store, AgentWithLease agent, DateTimeOffset now) =>
        store.RenewLeaseAsync(new LeaseRenewRequest(agent.Agent.Id, agent.Lease.HolderIdentity!, false, 40, now), default);

    private static Task<IReadOnlyList<Command>> ClaimAsync(IControlPlaneStore store, AgentWithLease agent, DateTimeOffset now) =>
        store.ClaimCommandsAsync(new ClaimRequest(agent.Agent.Id, agent.Agent.TenantId, agent.Agent.Labels,
            agent.Agent.Capabilities.Select(c => c.Scanner).ToList(), agent.Lease.HolderIdentity!, 1, now), default);

    private static Command NewCommand(string tenantId, DateTimeOffset createdAt) => new()
    {
        Id = SecretToken.NewId(),
        TenantId = tenantId,
        Scanner = "shellcheck",
        Parameters = new() { ["path"] = "/srv/app" },
        RequiredCapabilities = ["shellcheck"],
        MaxAttempts = 3,
        TimeoutSeconds = 600,
        NotBefore = createdAt,
        ExpiresAt = createdAt.AddDays(1),
        RequestHash = "hash",
        Status = CommandStatus.Queued,
        AvailableAt = createdAt,
        SortKey = createdAt,
        CreatedAt = createdAt,
        CreatedBy = "admin-test",
    };
}
