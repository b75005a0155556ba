using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>
/// Scan records and scan profiles on every provider: the counts a scan record shows are written by the ingest (new,
/// seen again, by severity) and the resolution (resolved) of its latest attempt; profiles are unique by name per tenant.
/// </summary>
public abstract partial class FindingConformanceTests
{
    [Fact]
    public async Task ScanCounts_TwoScans_NewSeenAgainResolvedAndSeverities()
    {
        var store = await CreateStoreAsync();
        var first = await NewScanAsync(store, at: T0);
        Assert.Equal(ScanCounts.None, (await Scans(store).GetScanAsync(first.Command.Id, default))!.Counts);
        await IngestAsync(store, first, [ScriptFinding("a"), Severe(ScriptFinding("b"), Severity.High)], T1);
        // A resend and a second batch: the resend counts nothing, the new fingerprint once.
        await IngestAsync(store, first, [ScriptFinding("a"), Severe(ScriptFinding("c"), Severity.Critical)], T1);
        await CompleteAsync(store, first, T1);
        Assert.Equal(0, await ResolveAsync(store, first, HostA, ScannedPath, T1));

        var second = await NewScanAsync(store, first, T2);
        await IngestAsync(store, second, [ScriptFinding("a"), Severe(ScriptFinding("d"), Severity.Medium)], T3);
        await CompleteAsync(store, second, T3);
        Assert.Equal(2, await ResolveAsync(store, second, HostA, ScannedPath, T4));

        var one = await Scans(store).GetScanAsync(first.Command.Id, default);
        Assert.NotNull(one);
        Assert.Equal(new ScanCounts(1, New: 3, SeenAgain: 0, Resolved: 0, Info: 0, Low: 1, Medium: 0, High: 1, Critical: 1), one.Counts);
        Assert.Equal(CommandStatus.Succeeded, one.Command.Status);
        var two = await Scans(store).GetScanAsync(second.Command.Id, default);
        Assert.Equal(new ScanCounts(1, New: 1, SeenAgain: 1, Resolved: 2, Info: 0, Low: 1, Medium: 1, High: 0, Critical: 0), two!.Counts);
        Assert.Equal((first.Agent.Agent.Id, T3), (two.Command.AgentId, two.Command.FinishedAt));

        var listed = await Scans(store).ListScansAsync(new ScanQuery(first.Tenant.Id), PageRequest.First(), default);
        Assert.Equal([first.Command.Id, second.Command.Id], listed.Select(s => s.Command.Id));
        Assert.Equal([one.Counts, two.Counts], listed.Select(s => s.Counts));
        Assert.Null(await Scans(store).GetScanAsync("zzzzzzzzzzzz", default));
    }

    [Fact]
    public async Task ScanCounts_RetriedAttempt_CountsStartAgainFromZero()
    {
        var store = await CreateStoreAsync();
        var run = await NewScanAsync(store, at: T0);
        await IngestAsync(store, run, [ScriptFinding("a"), ScriptFinding("b")], T1);
        var failed = await store.CompleteCommandAsync(new CommandCompletion(run.Ref, CommandStatus.Failed, true, 1, "", "boom", "", 2, false, T1, T1), default);
        Assert.Equal(CommandStatus.Queued, failed.Command!.Status);
        // Until the retry is claimed, the latest attempt is the failed one.
        Assert.Equal(2, (await Scans(store).GetScanAsync(run.Command.Id, default))!.Counts.New);

        var retry = Assert.Single(await ClaimAsync(store, run.Agent, T2));
        Assert.Equal(2, retry.Attempt);
        Assert.Equal(ScanCounts.None, (await Scans(store).GetScanAsync(run.Command.Id, default))!.Counts);
        await IngestAsync(store, new CommandRef(retry.Id, run.Agent.Agent.Id, retry.FencingToken), [ScriptFinding("a")], T3);

        var scan = await Scans(store).GetScanAsync(run.Command.Id, default);
        Assert.Equal(new ScanCounts(2, New: 0, SeenAgain: 1, Resolved: 0, Info: 0, Low: 1, Medium: 0, High: 0, Critical: 0), scan!.Counts);
    }

    [Fact]
    public async Task ListScans_Filters_StatusScannerProfileAndTenantOnly()
    {
        var store = await CreateStoreAsync();
        var (tenant, _) = await NewAgentAsync(store);
        var (other, _) = await NewAgentAsync(store);
        var fromProfile = await EnqueueAsync(store, tenant.Id, T0, "nightly", "shellcheck");
        var plain = await EnqueueAsync(store, tenant.Id, T1, null, "nmap");
        await EnqueueAsync(store, other.Id, T1, "nightly", "shellcheck");
        await store.CancelCommandAsync(plain.Id, T2, default);

        async Task<string[]> IdsAsync(ScanQuery query) =>
            [.. (await Scans(store).ListScansAsync(query, PageRequest.First(), default)).Select(s => s.Command.Id)];

        Assert.Equal([fromProfile.Id, plain.Id], await IdsAsync(new ScanQuery(tenant.Id)));
        Assert.Equal([fromProfile.Id], await IdsAsync(new ScanQuery(tenant.Id, Profile: "nightly")));
        Assert.Equal([plain.Id], await IdsAsync(new ScanQuery(tenant.Id, Scanner: "nmap")));
        Assert.Equal([plain.Id], await IdsAsync(new ScanQuery(tenant.Id, Statuses: [CommandStatus.Canceled])));
        Assert.Empty(await IdsAsync(new ScanQuery(tenant.Id, Statuses: [CommandStatus.Queued], Scanner: "nmap")));
        var page = await Scans(store).ListScansAsync(new ScanQuery(tenant.Id), new PageRequest(1), default);
        var next = await Scans(store).ListScansAsync(new ScanQuery(tenant.Id),
            new PageRequest(5, new PageCursor(page[0].Command.CreatedAt, page[0].Command.Id)), default);
        Assert.Equal([plain.Id], next.Select(s => s.Command.Id));
        Assert.Equal("nightly", (await Scans(store).GetScanAsync(fromProfile.Id, default))!.Command.ProfileName);
    }

    [Fact]
    public async Task ScanProfiles_CreateGetFindListDelete_UniqueNamePerTenant()
    {
        var store = await CreateStoreAsync();
        var (tenant, agent) = await NewAgentAsync(store);
        var (other, _) = await NewAgentAsync(store);
        var nightly = NewProfile(tenant.Id, "nightly", T0);
        var full = new ScanProfile
        {
            Id = SecretToken.NewId(),
            TenantId = tenant.Id,
            Name = "web.ports_1",
            Description = "the web tier",
            Scanner = "nmap",
            Parameters = new() { ["host"] = "192.0.2.10", ["ports"] = "1-1024" },
            TargetAgentId = agent.Agent.Id,
            SelectorLabels = new() { ["env"] = "prod", ["Env"] = "other" },
            RequiredCapabilities = ["nmap", "shellcheck"],
            Priority = -7,
            MaxAttempts = 5,
            TimeoutSeconds = 1200,
            CreatedAt = T1,
            CreatedBy = "admin-1",
        };
        await Scans(store).CreateScanProfileAsync(nightly, default);
        await Scans(store).CreateScanProfileAsync(full, default);
        await Assert.ThrowsAsync<StoreConflictException>(() => Scans(store).CreateScanProfileAsync(NewProfile(tenant.Id, "nightly", T2), default));
        // Another tenant may use the same name.
        await Scans(store).CreateScanProfileAsync(NewProfile(other.Id, "nightly", T2), default);

        var read = await Scans(store).GetScanProfileAsync(full.Id, default);
        Assert.NotNull(read);
        Assert.Equivalent(full, read, strict: true);
        Assert.Equal(full.Id, (await Scans(store).FindScanProfileAsync(tenant.Id, "web.ports_1", default))?.Id);
        Assert.Equal(nightly.Id, (await Scans(store).FindScanProfileAsync(tenant.Id, "nightly", default))?.Id);
        Assert.Null(await Scans(store).FindScanProfileAsync(tenant.Id, "Nightly", default));
        Assert.Equal([nightly.Id, full.Id], (await Scans(store).ListScanProfilesAsync(tenant.Id, PageRequest.First(), default)).Select(p => p.Id));
        var rest = await Scans(store).ListScanProfilesAsync(tenant.Id, new PageRequest(10, new PageCursor(nightly.CreatedAt, nightly.Id)), default);
        Assert.Equal([full.Id], rest.Select(p => p.Id));

        Assert.True(await Scans(store).DeleteScanProfileAsync(nightly.Id, default));
        Assert.False(await Scans(store).DeleteScanProfileAsync(nightly.Id, default));
        Assert.Null(await Scans(store).GetScanProfileAsync(nightly.Id, default));
        Assert.NotNull(await Scans(store).FindScanProfileAsync(other.Id, "nightly", default));
        // The name is free again.
        await Scans(store).CreateScanProfileAsync(NewProfile(tenant.Id, "nightly", T3), default);
    }

    private static IScanStore Scans(IControlPlaneStore store) => store;

    private static ObservedFinding Severe(ObservedFinding f, Severity severity) => new()
    {
        Fingerprint = f.Fingerprint,
        Scanner = f.Scanner,
        RuleId = f.RuleId,
        Title = f.Title,
        Severity = severity,
        AssetKind = f.AssetKind,
        AssetValue = f.AssetValue,
        Host = f.Host,
        File = f.File,
        Line = f.Line,
        Column = f.Column,
    };

    private static ScanProfile NewProfile(string tenantId, string name, DateTimeOffset at) => new()
    {
        Id = SecretToken.NewId(),
        TenantId = tenantId,
        Name = name,
        Scanner = "shellcheck",
        Parameters = new() { ["path"] = ScannedPath },
        RequiredCapabilities = ["shellcheck"],
        MaxAttempts = 3,
        TimeoutSeconds = 600,
        CreatedAt = at,
        CreatedBy = "admin-1",
    };

    private static async Task<Command> EnqueueAsync(IControlPlaneStore store, string tenantId, DateTimeOffset at, string? profile, string scanner)
    {
        var template = NewCommand(tenantId, at);
        var command = new Command
        {
            Id = template.Id,
            TenantId = tenantId,
            Scanner = scanner,
            Parameters = template.Parameters,
            RequiredCapabilities = [scanner],
            MaxAttempts = template.MaxAttempts,
            TimeoutSeconds = template.TimeoutSeconds,
            NotBefore = template.NotBefore,
            ExpiresAt = template.ExpiresAt,
            ProfileName = profile,
            RequestHash = template.RequestHash,
            Status = template.Status,
            AvailableAt = template.AvailableAt,
            SortKey = template.SortKey,
            CreatedAt = template.CreatedAt,
            CreatedBy = template.CreatedBy,
        };
        return (await store.EnqueueCommandAsync(command, default)).Command;
    }
}
