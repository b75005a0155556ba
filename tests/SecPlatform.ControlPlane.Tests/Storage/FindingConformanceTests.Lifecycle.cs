using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>
/// The finding lifecycle on every provider: open on first sight, seen again, resolved by a complete and successful
/// run of the same scope that no longer reports it, reopened when seen after that, and an admin's triage that stays
/// put. Runs here are shellcheck on <see cref="HostA"/> under <see cref="ScannedPath"/>, or nmap of one address.
/// </summary>
public abstract partial class FindingConformanceTests
{
    private const string HostA = "host-a.example.test";
    private const string HostB = "host-b.example.test";
    private const string ScannedPath = "/srv/app";
    private static readonly DateTimeOffset T5 = T0.AddSeconds(5);
    private static readonly DateTimeOffset T6 = T0.AddSeconds(6);
    private static readonly DateTimeOffset T7 = T0.AddSeconds(7);

    [Fact]
    public async Task Lifecycle_NewFindingThenSeenAgain_OpenWithCountsAndNoHistory()
    {
        var store = await CreateStoreAsync();
        var first = await NewScanAsync(store, at: T0);
        await IngestAsync(store, first, [ScriptFinding("a")], T1);
        await CompleteAsync(store, first, T1);
        var second = await NewScanAsync(store, first, T2);
        await IngestAsync(store, second, [ScriptFinding("a")], T3);
        await CompleteAsync(store, second, T3);
        Assert.Equal(0, await ResolveAsync(store, second, HostA, ScannedPath, T3));

        var finding = Assert.Single(await ListAsync(store, new FindingQuery(first.Tenant.Id)));
        Assert.Equal((FindingStatus.Open, T1, T3, 2L, second.Command.Id), (finding.Status, finding.FirstSeen, finding.LastSeen, finding.Occurrences, finding.LastCommandId));
        Assert.Empty(await Findings(store).ListFindingHistoryAsync(finding.Id, default));
    }

    [Fact]
    public async Task Lifecycle_CleanScanNoLongerReportsIt_ResolvedWithHistory()
    {
        var store = await CreateStoreAsync();
        var first = await NewScanAsync(store, at: T0);
        await IngestAsync(store, first, [ScriptFinding("kept"), ScriptFinding("fixed")], T1);
        await CompleteAsync(store, first, T1);

        var second = await NewScanAsync(store, first, T2);
        await IngestAsync(store, second, [ScriptFinding("kept")], T3);
        await CompleteAsync(store, second, T3);
        Assert.Equal(1, await ResolveAsync(store, second, HostA, ScannedPath, T4));
        // Resolving again changes nothing.
        Assert.Equal(0, await ResolveAsync(store, second, HostA, ScannedPath, T4));

        var byName = await ByFingerprintAsync(store, first.Tenant.Id);
        Assert.Equal(FindingStatus.Open, byName[Fingerprint("kept")].Status);
        var fixedFinding = byName[Fingerprint("fixed")];
        Assert.Equal(FindingStatus.Resolved, fixedFinding.Status);
        Assert.Equal((T1, 1L), (fixedFinding.LastSeen, fixedFinding.Occurrences));
        var change = Assert.Single(await Findings(store).ListFindingHistoryAsync(fixedFinding.Id, default));
        Assert.Equal(new FindingStatusChange(fixedFinding.Id, first.Tenant.Id, FindingStatus.Open, FindingStatus.Resolved,
            "not reported by a complete scan", FindingStatus.SystemActor, second.Command.Id, T4), change);
    }

    [Fact]
    public async Task Lifecycle_SeenAfterResolved_ReopenedThenResolvedAgainFromReopened()
    {
        var store = await CreateStoreAsync();
        var first = await NewScanAsync(store, at: T0);
        await IngestAsync(store, first, [ScriptFinding("a")], T1);
        await CompleteAsync(store, first, T1);
        var clean = await NewScanAsync(store, first, T2);
        await CompleteAsync(store, clean, T2);
        Assert.Equal(1, await ResolveAsync(store, clean, HostA, ScannedPath, T2));

        var again = await NewScanAsync(store, first, T3);
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 1, 0), await IngestAsync(store, again, [ScriptFinding("a")], T4));
        // A resend of the same attempt neither reopens twice nor writes history twice.
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 0, 1), await IngestAsync(store, again, [ScriptFinding("a")], T4));
        var reopened = Assert.Single(await ListAsync(store, new FindingQuery(first.Tenant.Id)));
        Assert.Equal((FindingStatus.Reopened, 2L, T4), (reopened.Status, reopened.Occurrences, reopened.LastSeen));
        await CompleteAsync(store, again, T4);

        var cleanAgain = await NewScanAsync(store, first, T5);
        await CompleteAsync(store, cleanAgain, T5);
        Assert.Equal(1, await ResolveAsync(store, cleanAgain, HostA, ScannedPath, T6));

        var history = await Findings(store).ListFindingHistoryAsync(reopened.Id, default);
        Assert.Equal(
            [
                (FindingStatus.Open, FindingStatus.Resolved, clean.Command.Id, T2),
                (FindingStatus.Resolved, FindingStatus.Reopened, again.Command.Id, T4),
                (FindingStatus.Reopened, FindingStatus.Resolved, cleanAgain.Command.Id, T6),
            ],
            history.Select(c => (c.From, c.To, c.CommandId, c.ChangedAt)).ToArray());
        Assert.All(history, c => Assert.Equal(FindingStatus.SystemActor, c.Actor));
        Assert.Equal(FindingStatus.Resolved, (await Findings(store).GetFindingAsync(reopened.Id, default))!.Status);
    }

    [Fact]
    public async Task Lifecycle_FalsePositive_KeptWhenSeenAgainAndNotResolvedThenBackToOpen()
    {
        var store = await CreateStoreAsync();
        var first = await NewScanAsync(store, at: T0);
        await IngestAsync(store, first, [ScriptFinding("fp"), ScriptFinding("risk")], T1);
        await CompleteAsync(store, first, T1);
        var byName = await ByFingerprintAsync(store, first.Tenant.Id);
        var fp = byName[Fingerprint("fp")];
        var risk = byName[Fingerprint("risk")];

        var marked = await SetStatusAsync(store, fp.Id, first.Tenant.Id, FindingStatus.FalsePositive, "test fixture, not shipped", T2);
        Assert.Equal(FindingStatus.FalsePositive, marked!.Status);
        await SetStatusAsync(store, risk.Id, first.Tenant.Id, FindingStatus.AcceptedRisk, "internal only", T2);

        var again = await NewScanAsync(store, first, T3);
        await IngestAsync(store, again, [ScriptFinding("fp")], T4);
        await CompleteAsync(store, again, T4);
        Assert.Equal(0, await ResolveAsync(store, again, HostA, ScannedPath, T4));

        byName = await ByFingerprintAsync(store, first.Tenant.Id);
        Assert.Equal((FindingStatus.FalsePositive, 2L), (byName[Fingerprint("fp")].Status, byName[Fingerprint("fp")].Occurrences));
        Assert.Equal(FindingStatus.AcceptedRisk, byName[Fingerprint("risk")].Status);

        // Setting the status it has already is no change: no history.
        await SetStatusAsync(store, fp.Id, first.Tenant.Id, FindingStatus.FalsePositive, "again", T5);
        var reopenedByAdmin = await SetStatusAsync(store, fp.Id, first.Tenant.Id, FindingStatus.Open, "fixture is shipped after all", T6);
        Assert.Equal(FindingStatus.Open, reopenedByAdmin!.Status);
        var history = await Findings(store).ListFindingHistoryAsync(fp.Id, default);
        Assert.Equal(
            [
                new FindingStatusChange(fp.Id, first.Tenant.Id, FindingStatus.Open, FindingStatus.FalsePositive, "test fixture, not shipped", "admin-1", null, T2),
                new FindingStatusChange(fp.Id, first.Tenant.Id, FindingStatus.FalsePositive, FindingStatus.Open, "fixture is shipped after all", "admin-1", null, T6),
            ],
            history);
    }

    [Fact]
    public async Task SetFindingStatus_OtherTenantOrUnknown_NullAndNothingChanges()
    {
        var store = await CreateStoreAsync();
        var run = await NewScanAsync(store, at: T0);
        await IngestAsync(store, run, [ScriptFinding("a")], T1);
        var finding = Assert.Single(await ListAsync(store, new FindingQuery(run.Tenant.Id)));
        var other = TestData.NewTenant();
        await store.CreateTenantAsync(other, default);

        Assert.Null(await SetStatusAsync(store, finding.Id, other.Id, FindingStatus.FalsePositive, "not mine", T2));
        Assert.Null(await SetStatusAsync(store, SecretToken.NewId(), run.Tenant.Id, FindingStatus.FalsePositive, "unknown", T2));

        Assert.Equal(FindingStatus.Open, (await Findings(store).GetFindingAsync(finding.Id, default))!.Status);
        Assert.Empty(await Findings(store).ListFindingHistoryAsync(finding.Id, default));
        // A platform admin (no tenant) reaches it.
        Assert.Equal(FindingStatus.AcceptedRisk, (await SetStatusAsync(store, finding.Id, null, FindingStatus.AcceptedRisk, "ok", T3))!.Status);
    }

    [Fact]
    public async Task Lifecycle_TruncatedFailedOrRetriedRun_ResolvesNothing()
    {
        var store = await CreateStoreAsync();
        var first = await NewScanAsync(store, at: T0);
        await IngestAsync(store, first, [ScriptFinding("a")], T1);
        await CompleteAsync(store, first, T1);

        var truncated = await NewScanAsync(store, first, T2);
        await CompleteAsync(store, truncated, T2, truncated: true);
        Assert.Equal(0, await ResolveAsync(store, truncated, HostA, ScannedPath, T2));

        var failed = await NewScanAsync(store, first, T3);
        await CompleteAsync(store, failed, T3, outcome: CommandStatus.Failed);
        Assert.Equal(0, await ResolveAsync(store, failed, HostA, ScannedPath, T3));

        // Still running: not a completion at all.
        var running = await NewScanAsync(store, first, T4);
        Assert.Equal(0, await ResolveAsync(store, running, HostA, ScannedPath, T4));

        // Succeeded, but the scope names another attempt than the one that succeeded.
        var other = await NewScanAsync(store, first, T5);
        await CompleteAsync(store, other, T5);
        Assert.Equal(0, await Findings(store).ResolveUnseenAsync(
            new ResolveScope(first.Tenant.Id, other.Command.Id, other.Command.Attempt + 1, "shellcheck", HostA, ScannedPath, T5), default));
        // Another tenant's scope on this command.
        Assert.Equal(0, await Findings(store).ResolveUnseenAsync(
            new ResolveScope(TestData.NewTenant().Id, other.Command.Id, other.Command.Attempt, "shellcheck", HostA, ScannedPath, T5), default));

        var finding = Assert.Single(await ListAsync(store, new FindingQuery(first.Tenant.Id)));
        Assert.Equal(FindingStatus.Open, finding.Status);
        Assert.Empty(await Findings(store).ListFindingHistoryAsync(finding.Id, default));
    }

    [Fact]
    public async Task Lifecycle_CleanScanOfAnotherHostPathOrScanner_ResolvesOnlyItsOwnScope()
    {
        var store = await CreateStoreAsync();
        var first = await NewScanAsync(store, at: T0);
        await IngestAsync(store, first,
            [ScriptFinding("on-a"), ScriptFinding("on-b", host: HostB), ScriptFinding("sibling", path: "/srv/app2/x.sh"),
                ScriptFinding("nested", path: "/srv/app/lib/deep/y.sh"), NmapFinding("192.0.2.10", 22)], T1);
        await CompleteAsync(store, first, T1);

        // A clean scan on host B resolves only host B's file finding.
        var onB = await NewScanAsync(store, first, T2);
        await CompleteAsync(store, onB, T2);
        Assert.Equal(1, await ResolveAsync(store, onB, HostB, ScannedPath, T2));
        var byName = await ByFingerprintAsync(store, first.Tenant.Id);
        Assert.Equal(FindingStatus.Resolved, byName[Fingerprint("on-b")].Status);
        Assert.Equal(FindingStatus.Open, byName[Fingerprint("on-a")].Status);

        // A clean scan of /srv/app on host A: /srv/app2 is not under it, /srv/app/lib/deep is; nmap's finding is another scanner's.
        var onA = await NewScanAsync(store, first, T3);
        await CompleteAsync(store, onA, T3);
        Assert.Equal(2, await ResolveAsync(store, onA, HostA, ScannedPath + "/", T3));
        byName = await ByFingerprintAsync(store, first.Tenant.Id);
        Assert.Equal(FindingStatus.Resolved, byName[Fingerprint("on-a")].Status);
        Assert.Equal(FindingStatus.Resolved, byName[Fingerprint("nested")].Status);
        Assert.Equal(FindingStatus.Open, byName[Fingerprint("sibling")].Status);
        Assert.Equal(FindingStatus.Open, byName[NmapFingerprint("192.0.2.10", 22)].Status);
    }

    [Fact]
    public async Task Lifecycle_SeenByAnotherRunAfterTheCleanRunWasClaimed_NotResolved()
    {
        var store = await CreateStoreAsync();
        var first = await NewScanAsync(store, at: T0);
        await IngestAsync(store, first, [ScriptFinding("a")], T1);
        await CompleteAsync(store, first, T1);

        var clean = await NewScanAsync(store, first, T2);
        // Another run, claimed later, sees it while the clean run is still going.
        var concurrent = await NewScanAsync(store, first, T3);
        await IngestAsync(store, concurrent, [ScriptFinding("a")], T4);
        await CompleteAsync(store, clean, T5);

        Assert.Equal(0, await ResolveAsync(store, clean, HostA, ScannedPath, T5));
        Assert.Equal(FindingStatus.Open, Assert.Single(await ListAsync(store, new FindingQuery(first.Tenant.Id))).Status);
    }

    [Fact]
    public async Task Lifecycle_NetworkScan_ResolvesServicesOfItsHostOnly()
    {
        var store = await CreateStoreAsync();
        var first = await NewScanAsync(store, scanner: "nmap", parameters: new() { ["host"] = "192.0.2.10", ["ports"] = "1-1024" }, at: T0);
        await IngestAsync(store, first, [NmapFinding("192.0.2.10", 22), NmapFinding("192.0.2.10", 80), NmapFinding("192.0.2.11", 22)], T1);
        await CompleteAsync(store, first, T1);

        var second = await NewScanAsync(store, first, T2);
        await IngestAsync(store, second, [NmapFinding("192.0.2.10", 22)], T3);
        await CompleteAsync(store, second, T3);
        Assert.Equal(1, await Findings(store).ResolveUnseenAsync(
            new ResolveScope(first.Tenant.Id, second.Command.Id, second.Command.Attempt, "nmap", "192.0.2.10", null, T3), default));

        var byName = await ByFingerprintAsync(store, first.Tenant.Id);
        Assert.Equal(FindingStatus.Open, byName[NmapFingerprint("192.0.2.10", 22)].Status);
        Assert.Equal(FindingStatus.Resolved, byName[NmapFingerprint("192.0.2.10", 80)].Status);
        Assert.Equal(FindingStatus.Open, byName[NmapFingerprint("192.0.2.11", 22)].Status);
    }

    [Fact]
    public async Task Dedup_SameReportIngestedTwice_OneFindingWithOneOccurrence()
    {
        var store = await CreateStoreAsync();
        var run = await NewScanAsync(store, at: T0);
        ObservedFinding[] report = [ScriptFinding("a"), NmapFinding("192.0.2.10", 22)];
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 2, 0), await IngestAsync(store, run, report, T1));
        Assert.Equal(new FindingIngestResult(CommandUpdateOutcome.Applied, 0, 2), await IngestAsync(store, run, report, T2));

        var listed = await ListAsync(store, new FindingQuery(run.Tenant.Id));
        Assert.Equal(2, listed.Count);
        Assert.All(listed, f => Assert.Equal((1L, T1, T1, FindingStatus.Open), (f.Occurrences, f.FirstSeen, f.LastSeen, f.Status)));
    }

    [Fact]
    public async Task Dedup_TwoAgentsSeeSameNetworkService_MeetOnOneFinding()
    {
        var store = await CreateStoreAsync();
        var parameters = new Dictionary<string, string> { ["host"] = "192.0.2.10", ["ports"] = "22" };
        var first = await NewScanAsync(store, scanner: "nmap", parameters: parameters, at: T0);
        var otherAgent = await RegisterAsync(store, first.Tenant.Id);
        var second = await NewScanAsync(store, first with { Agent = otherAgent }, T1);
        Assert.NotEqual(first.Agent.Agent.Id, second.Agent.Agent.Id);

        await IngestAsync(store, first, [NmapFinding("192.0.2.10", 22)], T2);
        await IngestAsync(store, second, [NmapFinding("192.0.2.10", 22)], T3);

        var finding = Assert.Single(await ListAsync(store, new FindingQuery(first.Tenant.Id)));
        Assert.Equal((2L, T2, T3, second.Command.Id), (finding.Occurrences, finding.FirstSeen, finding.LastSeen, finding.LastCommandId));
    }

    [Fact]
    public async Task ListFindings_FieldFilters_ByTenantAndByCommandAttemptInPagesThatFill()
    {
        var store = await CreateStoreAsync();
        var run = await NewScanAsync(store, at: T0);
        var batch = Enumerable.Range(0, 12).Select(i => ScriptFinding($"f{i:D2}") is var f && i % 3 == 0
            ? new ObservedFinding
            {
                Fingerprint = f.Fingerprint, Scanner = f.Scanner, RuleId = "SC2046", Title = f.Title, Severity = Severity.High,
                AssetKind = f.AssetKind, AssetValue = f.AssetValue, Host = f.Host, File = f.File,
            }
            : f).ToArray();
        await IngestAsync(store, run, batch[..6], T1);
        await IngestAsync(store, run, batch[6..], T2);
        var all = await ListAsync(store, new FindingQuery(run.Tenant.Id));
        await SetStatusAsync(store, all[0].Id, run.Tenant.Id, FindingStatus.AcceptedRisk, "ok", T3);

        var high = new FindingQuery(run.Tenant.Id, Severities: [Severity.High]);
        Assert.Equal(4, (await WalkAsync(store, high, 1)).Count);
        Assert.Equal(4, (await WalkAsync(store, high with { CommandId = run.Command.Id, Attempt = 1 }, 3)).Count);
        // A page of the attempt's findings fills even when the matches are spread over many observations.
        Assert.Equal(2, (await Findings(store).ListFindingsAsync(high with { CommandId = run.Command.Id, Attempt = 1 }, new PageRequest(2, null), default)).Count);
        Assert.Equal(4, (await WalkAsync(store, new FindingQuery(run.Tenant.Id, RuleId: "SC2046"), 2)).Count);
        Assert.Equal(8, (await WalkAsync(store, new FindingQuery(run.Tenant.Id, RuleId: "SC2086", Scanner: "shellcheck"), 5)).Count);
        Assert.Empty(await WalkAsync(store, new FindingQuery(run.Tenant.Id, Scanner: "nmap"), 5));
        Assert.Equal(6, (await WalkAsync(store, new FindingQuery(run.Tenant.Id, Since: T2), 5)).Count);
        Assert.Equal(12, (await WalkAsync(store, new FindingQuery(run.Tenant.Id, Since: T1), 5)).Count);
        Assert.Equal([all[0].Id], (await WalkAsync(store, new FindingQuery(run.Tenant.Id, Statuses: [FindingStatus.AcceptedRisk]), 5)).Select(f => f.Id));
        Assert.Equal(11, (await WalkAsync(store, new FindingQuery(run.Tenant.Id, Statuses: [FindingStatus.Open, FindingStatus.Reopened]), 5)).Count);
        Assert.Empty(await WalkAsync(store, new FindingQuery(run.Tenant.Id, Statuses: [FindingStatus.Reopened]), 5));
    }

    // ---- lifecycle helpers ----

    /// <summary>A new claimed command of the tenant and agent of <paramref name="like"/>, with its scanner and parameters.</summary>
    private static Task<Run> NewScanAsync(IControlPlaneStore store, Run like, DateTimeOffset at) =>
        NewScanAsync(store, like.Tenant, like.Agent, like.Command.Scanner, like.Command.Parameters, at);

    private static async Task<Run> NewScanAsync(IControlPlaneStore store, Tenant? tenant = null, AgentWithLease? agent = null,
        string scanner = "shellcheck", Dictionary<string, string>? parameters = null, DateTimeOffset? at = null)
    {
        var now = at ?? T0;
        if (tenant is null)
        {
            (tenant, agent) = await NewAgentAsync(store);
        }

        agent ??= await RegisterAsync(store, tenant.Id);
        var command = NewCommand(tenant.Id, now);
        command = new Command
        {
            Id = command.Id,
            TenantId = command.TenantId,
            Scanner = scanner,
            Parameters = parameters ?? new() { ["path"] = ScannedPath },
            RequiredCapabilities = [scanner],
            MaxAttempts = command.MaxAttempts,
            TimeoutSeconds = command.TimeoutSeconds,
            NotBefore = command.NotBefore,
            ExpiresAt = command.ExpiresAt,
            RequestHash = command.RequestHash,
            Status = command.Status,
            AvailableAt = command.AvailableAt,
            SortKey = command.SortKey,
            CreatedAt = command.CreatedAt,
            CreatedBy = command.CreatedBy,
        };
        await store.EnqueueCommandAsync(command, default);
        var claimed = Assert.Single(await ClaimAsync(store, agent, now));
        Assert.Equal(command.Id, claimed.Id);
        return new Run(tenant, agent, claimed, claimed.FencingToken);
    }

    private static async Task CompleteAsync(IControlPlaneStore store, Run run, DateTimeOffset now, bool truncated = false,
        CommandStatus outcome = CommandStatus.Succeeded)
    {
        var update = await store.CompleteCommandAsync(
            new CommandCompletion(run.Ref, outcome, false, 0, "", "", "", 0, truncated, now, now), default);
        Assert.Equal(CommandUpdateOutcome.Applied, update.Outcome);
    }

    private static Task<int> ResolveAsync(IControlPlaneStore store, Run run, string host, string path, DateTimeOffset now) =>
        Findings(store).ResolveUnseenAsync(
            new ResolveScope(run.Tenant.Id, run.Command.Id, run.Command.Attempt, run.Command.Scanner, host, path, now), default);

    private static Task<Finding?> SetStatusAsync(IControlPlaneStore store, string id, string? tenantId, string status, string reason,
        DateTimeOffset now) =>
        Findings(store).SetFindingStatusAsync(new FindingStatusUpdate(id, tenantId, status, reason, "admin-1", now), default);

    private static async Task<Dictionary<string, Finding>> ByFingerprintAsync(IControlPlaneStore store, string tenantId) =>
        (await ListAsync(store, new FindingQuery(tenantId))).ToDictionary(f => f.Observed.Fingerprint);

    /// <summary>A shellcheck finding as the agent reports it: asset host:/abs/path, host and file set.</summary>
    private static ObservedFinding ScriptFinding(string name, string host = HostA, string? path = null)
    {
        var file = path ?? $"{ScannedPath}/{name}.sh";
        return new ObservedFinding
        {
            Fingerprint = Fingerprint(name),
            Scanner = "shellcheck",
            RuleId = "SC2086",
            Title = "Double quote to prevent globbing",
            Severity = Severity.Low,
            AssetKind = "path",
            AssetValue = $"{host}:{file}",
            Host = host,
            File = file,
            Line = 3,
            Column = 5,
        };
    }

    private static string NmapFingerprint(string address, int port) => Fingerprint($"nmap|{address}|tcp/{port}");

    private static ObservedFinding NmapFinding(string address, int port) => new()
    {
        Fingerprint = NmapFingerprint(address, port),
        Scanner = "nmap",
        RuleId = "open-port",
        Title = $"Open port {port}/tcp",
        Severity = Severity.Info,
        AssetKind = "ip",
        AssetValue = address,
        Host = address,
        Port = port,
        Protocol = "tcp",
    };
}
