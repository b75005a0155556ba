using System.Diagnostics;
using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.ControlPlane.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>The command queue through the real API (gRPC on loopback), with a fake clock (lease duration 4 s).</summary>
public abstract class CommandQueueApiTests(ITestOutputHelper output) : ControlPlaneApiTests
{
    [Fact]
    public async Task EnqueueCommand_BadInput_ClearErrorAndNothingStored()
    {
        await using var cp = await StartAsync();
        var tenant = await cp.CreateTenantAsync();
        var commands = cp.Commands();
        var cases = new (EnqueueCommandRequest Request, StatusCode Code, string Says)[]
        {
            (Enqueue(tenant.Id, "nessus", ("path", "/srv")), StatusCode.InvalidArgument, "unknown scanner"),
            (Enqueue(tenant.Id, "shellcheck"), StatusCode.InvalidArgument, "needs parameter 'path'"),
            (Enqueue(tenant.Id, "shellcheck", ("path", "relative/dir")), StatusCode.InvalidArgument, "absolute"),
            (Enqueue(tenant.Id, "shellcheck", ("path", "/srv/../etc")), StatusCode.InvalidArgument, ".."),
            (Enqueue(tenant.Id, "shellcheck", ("path", "/srv"), ("color", "always")), StatusCode.InvalidArgument, "takes no parameter 'color'"),
            (Enqueue(tenant.Id, "nmap", ("host", "-sV"), ("ports", "22")), StatusCode.InvalidArgument, "must not start with '-'"),
            (Enqueue(tenant.Id, "nmap", ("host", "127.0.0.1"), ("ports", "0-70000")), StatusCode.InvalidArgument, "ports"),
            (Enqueue(tenant.Id, "shellcheck", ("path", "/" + new string('a', 5000))), StatusCode.InvalidArgument, "longer than"),
            (Enqueue("no-such-tenant", "shellcheck", ("path", "/srv")), StatusCode.NotFound, "tenant"),
            (Enqueue(tenant.Id, "shellcheck", ("path", "/srv")).With(r => r.Priority = 500), StatusCode.InvalidArgument, "priority"),
            (Enqueue(tenant.Id, "shellcheck", ("path", "/srv")).With(r => r.AgentId = "zzzzzzzzzzzz"), StatusCode.NotFound, "agent"),
        };
        foreach (var (request, code, says) in cases)
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => commands.EnqueueCommandAsync(request).ResponseAsync);
            Assert.True(e.StatusCode == code && e.Status.Detail.Contains(says), $"{request}: {e.StatusCode} {e.Status.Detail}");
        }

        Assert.Empty((await commands.ListCommandsAsync(new ListCommandsRequest())).Items);
    }

    [Fact]
    public async Task EnqueueCommand_IdempotencyKey_SameRequestSameCommandOtherRequestAlreadyExists()
    {
        await using var cp = await StartAsync();
        var tenant = await cp.CreateTenantAsync();
        var request = Enqueue(tenant.Id, "shellcheck", ("path", "/srv")).With(r => r.IdempotencyKey = "nightly-2026-01-01");
        var first = await cp.Commands().EnqueueCommandAsync(request);
        var again = await cp.Commands().EnqueueCommandAsync(request);
        Assert.Equal(first.Id, again.Id);
        Assert.Equal(CommandStatus.Queued, first.Status);

        var different = request.Clone();
        different.Parameters["path"] = "/other";
        var conflict = await Assert.ThrowsAsync<RpcException>(() => cp.Commands().EnqueueCommandAsync(different).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, conflict.StatusCode);
        Assert.Single((await cp.Commands().ListCommandsAsync(new ListCommandsRequest())).Items);
    }

    [Fact]
    public async Task PullCommands_WaitingPoller_WokenPromptlyByEnqueue()
    {
        await using var cp = await StartAsync();
        var (tenant, agent) = await cp.RegisterAgentAsync();
        var gateway = cp.Gateway(agent.AgentKey);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });

        var latencies = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var poll = gateway.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1, WaitSeconds = 20 }).ResponseAsync;
            await Task.Delay(200);
            Assert.False(poll.IsCompleted, "the poll returned before any work existed");
            var clock = Stopwatch.StartNew();
            var command = await cp.Commands().EnqueueCommandAsync(Enqueue(tenant.Id, "shellcheck", ("path", "/srv")));
            var response = await poll;
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            Assert.Equal(command.Id, Assert.Single(response.Commands).Id);
            // Well inside the 20 s wait: the enqueue woke the poller, it did not time out.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"woken after {clock.Elapsed}");
            await gateway.CompleteCommandAsync(new CompleteCommandRequest
            {
                CommandId = command.Id, FencingToken = response.Commands[0].FencingToken, Outcome = CommandOutcome.Succeeded,
            });
        }

        output.WriteLine($"dispatch latency enqueue -> poller has it (ms, includes the enqueue call): {string.Join(", ", latencies.Select(l => l.ToString("F1")))}");
    }

    [Fact]
    public async Task CommandLifecycle_ClaimStartProgressComplete_FencedAndVisibleToAdmins()
    {
        await using var cp = await StartAsync();
        var (tenant, agent) = await cp.RegisterAgentAsync();
        var gateway = cp.Gateway(agent.AgentKey);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });
        var queued = await cp.Commands().EnqueueCommandAsync(Enqueue(tenant.Name, "shellcheck", ("path", "/srv/app")));

        var assigned = Assert.Single((await gateway.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 5 })).Commands);
        Assert.Equal(("shellcheck", "/srv/app", 1L), (assigned.Scanner, assigned.Parameters["path"], assigned.FencingToken));
        var stale = await Assert.ThrowsAsync<RpcException>(() =>
            gateway.StartCommandAsync(new StartCommandRequest { CommandId = assigned.Id, FencingToken = 7 }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, stale.StatusCode);

        await gateway.StartCommandAsync(new StartCommandRequest { CommandId = assigned.Id, FencingToken = 1 });
        await gateway.ReportProgressAsync(new ReportProgressRequest { CommandId = assigned.Id, FencingToken = 1, Percent = 50, Message = "scanning" });
        var running = await cp.Commands().GetCommandAsync(new GetCommandRequest { Id = queued.Id });
        Assert.Equal((CommandStatus.Running, 50, "scanning", agent.AgentId), (running.Status, running.ProgressPercent, running.ProgressMessage, running.AgentId));

        var completion = new CompleteCommandRequest
        {
            CommandId = assigned.Id, FencingToken = 1, Outcome = CommandOutcome.Succeeded, ExitCode = 1, FindingCount = 3,
            Summary = "3 findings", LogTail = new string('x', 40_000),
        };

        // The completion announces 3 findings: it is refused until all 3 are committed.
        var early = await Assert.ThrowsAsync<RpcException>(() => gateway.CompleteCommandAsync(completion).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, early.StatusCode);
        using (var stream = gateway.StreamFindings())
        {
            var batch = new FindingBatch { BatchId = "b1", CommandId = assigned.Id, FencingToken = 1 };
            batch.Findings.Add(Enumerable.Range(1, 3).Select(i => new Contracts.Agent.V1.Finding
            {
                Fingerprint = new string((char)('a' + i), 64), Scanner = "shellcheck", RuleId = $"SC{2000 + i}", Title = "t",
                Severity = Severity.Medium, AssetKind = "path", AssetValue = "host-1:/srv/app/run.sh", Host = "host-1",
                File = "/srv/app/run.sh", Line = i,
            }));
            await stream.RequestStream.WriteAsync(batch);
            Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(("b1", true, 3), (stream.ResponseStream.Current.BatchId, stream.ResponseStream.Current.Accepted, stream.ResponseStream.Current.NewCount));
            await stream.RequestStream.CompleteAsync();
        }

        var done = await gateway.CompleteCommandAsync(completion);
        Assert.Equal("succeeded", done.Status);
        var finished = await cp.Commands().GetCommandAsync(new GetCommandRequest { Id = queued.Id });
        Assert.Equal((CommandStatus.Succeeded, 3L, 1), (finished.Status, finished.FindingCount, finished.ExitCode));
        Assert.Equal(16 * 1024, finished.LogTail.Length);

        var late = await Assert.ThrowsAsync<RpcException>(() => gateway.CompleteCommandAsync(new CompleteCommandRequest
        {
            CommandId = assigned.Id, FencingToken = 1, Outcome = CommandOutcome.Failed,
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, late.StatusCode);
        Assert.Equal(CommandStatus.Succeeded, (await cp.Commands().GetCommandAsync(new GetCommandRequest { Id = queued.Id })).Status);
    }

    [Fact]
    public async Task LeaseLoss_CommandGoesToAnotherAgent_LateCompletionRefused_EndsOnce()
    {
        await using var cp = await StartAsync();
        var tenant = await cp.CreateTenantAsync();
        var token = await cp.CreateTokenAsync(tenant.Name, maxUses: 2);
        var first = await cp.Gateway().RegisterAsync(ApiTestData.Registration(token.Secret, "first"));
        var second = await cp.Gateway().RegisterAsync(ApiTestData.Registration(token.Secret, "second"));
        var a = cp.Gateway(first.AgentKey);
        var b = cp.Gateway(second.AgentKey);
        await a.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "a", Acquire = true });
        await cp.Reaper.RunOnceAsync(CancellationToken.None);
        var command = await cp.Commands().EnqueueCommandAsync(Enqueue(tenant.Id, "shellcheck", ("path", "/srv")));
        var claimedByA = Assert.Single((await a.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 })).Commands);
        await a.StartCommandAsync(new StartCommandRequest { CommandId = claimedByA.Id, FencingToken = claimedByA.FencingToken });

        // A stops renewing; B keeps its lease. Past A's lease the command goes back to the queue.
        await b.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "b", Acquire = true });
        cp.Time.Advance(TimeSpan.FromSeconds(3));
        await b.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "b" });
        cp.Time.Advance(TimeSpan.FromSeconds(2));
        await cp.Reaper.RunOnceAsync(CancellationToken.None);
        Assert.Equal(CommandStatus.Queued, (await cp.Commands().GetCommandAsync(new GetCommandRequest { Id = command.Id })).Status);

        var claimedByB = Assert.Single((await b.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 })).Commands);
        Assert.Equal((command.Id, 2L), (claimedByB.Id, claimedByB.FencingToken));

        // A comes back, re-acquires its lease, and reports its (late) result: refused, nothing changes.
        await a.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "a" });
        var late = await Assert.ThrowsAsync<RpcException>(() => a.CompleteCommandAsync(new CompleteCommandRequest
        {
            CommandId = command.Id, FencingToken = claimedByA.FencingToken, Outcome = CommandOutcome.Succeeded,
        }).ResponseAsync);
        Assert.True(late.StatusCode is StatusCode.FailedPrecondition or StatusCode.NotFound, late.Status.ToString());

        var done = await b.CompleteCommandAsync(new CompleteCommandRequest { CommandId = command.Id, FencingToken = 2, Outcome = CommandOutcome.Succeeded });
        Assert.Equal("succeeded", done.Status);
        var final = await cp.Commands().GetCommandAsync(new GetCommandRequest { Id = command.Id });
        Assert.Equal((CommandStatus.Succeeded, second.AgentId, 2), (final.Status, final.AgentId, final.Attempt));
    }

    [Fact]
    public async Task Cancel_QueuedAtOnce_RunningViaRenew_AgentDeathStillCanceled()
    {
        await using var cp = await StartAsync();
        var (tenant, agent) = await cp.RegisterAgentAsync();
        var gateway = cp.Gateway(agent.AgentKey);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });
        await cp.Reaper.RunOnceAsync(CancellationToken.None);

        var queued = await cp.Commands().EnqueueCommandAsync(Enqueue(tenant.Id, "shellcheck", ("path", "/a")).With(r => r.NotBefore = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(cp.Time.GetUtcNow().AddHours(1))));
        Assert.Equal(CommandStatus.Canceled, (await cp.Commands().CancelCommandAsync(new CancelCommandRequest { Id = queued.Id })).Status);
        Assert.Equal(CommandStatus.Canceled, (await cp.Commands().CancelCommandAsync(new CancelCommandRequest { Id = queued.Id })).Status);

        var running = await cp.Commands().EnqueueCommandAsync(Enqueue(tenant.Id, "shellcheck", ("path", "/b")));
        var assigned = Assert.Single((await gateway.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 })).Commands);
        await gateway.StartCommandAsync(new StartCommandRequest { CommandId = assigned.Id, FencingToken = assigned.FencingToken });
        var marked = await cp.Commands().CancelCommandAsync(new CancelCommandRequest { Id = running.Id });
        Assert.True(marked.CancelRequested);
        Assert.Equal(CommandStatus.Running, marked.Status);
        Assert.Equal([running.Id], (await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h" })).StopCommandIds);
        Assert.True((await gateway.ReportProgressAsync(new ReportProgressRequest { CommandId = assigned.Id, FencingToken = assigned.FencingToken })).StopRequested);
        var reported = await gateway.CompleteCommandAsync(new CompleteCommandRequest { CommandId = assigned.Id, FencingToken = assigned.FencingToken, Outcome = CommandOutcome.Canceled });
        Assert.Equal("canceled", reported.Status);

        // Cancel while running, and the agent dies before reporting: canceled, never back in the queue.
        var orphan = await cp.Commands().EnqueueCommandAsync(Enqueue(tenant.Id, "shellcheck", ("path", "/c")));
        Assert.Single((await gateway.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 })).Commands);
        await cp.Commands().CancelCommandAsync(new CancelCommandRequest { Id = orphan.Id });
        cp.Time.Advance(TimeSpan.FromSeconds(5));
        await cp.Reaper.RunOnceAsync(CancellationToken.None);
        var final = await cp.Commands().GetCommandAsync(new GetCommandRequest { Id = orphan.Id });
        Assert.Equal(CommandStatus.Canceled, final.Status);
    }

    [Fact]
    public async Task Timeout_RunningCommandPastTimeout_FailedAndAgentToldToStop()
    {
        await using var cp = await StartAsync();
        var (tenant, agent) = await cp.RegisterAgentAsync();
        var gateway = cp.Gateway(agent.AgentKey);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });
        await cp.Reaper.RunOnceAsync(CancellationToken.None);
        var command = await cp.Commands().EnqueueCommandAsync(Enqueue(tenant.Id, "shellcheck", ("path", "/a")).With(r => r.TimeoutSeconds = 3));
        var assigned = Assert.Single((await gateway.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 })).Commands);
        await gateway.StartCommandAsync(new StartCommandRequest { CommandId = assigned.Id, FencingToken = assigned.FencingToken });

        cp.Time.Advance(TimeSpan.FromSeconds(2));
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h" });
        cp.Time.Advance(TimeSpan.FromSeconds(2));
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h" });
        await cp.Reaper.RunOnceAsync(CancellationToken.None);

        var failed = await cp.Commands().GetCommandAsync(new GetCommandRequest { Id = command.Id });
        Assert.Equal(CommandStatus.Failed, failed.Status);
        Assert.Contains("timed out", failed.StatusReason);
        Assert.Equal([command.Id], (await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h" })).StopCommandIds);
    }

    [Fact]
    public async Task FairShare_TenThousandVersusTen_SmallTenantWithinFirstThirtyClaims()
    {
        await using var cp = await StartAsync();
        var big = await cp.CreateTenantAsync("big");
        var small = await cp.CreateTenantAsync("small");
        await cp.SeedCommandsAsync(big.Id, 10_000, cp.Time.GetUtcNow().AddMinutes(-10));
        await cp.SeedCommandsAsync(small.Id, 10, cp.Time.GetUtcNow().AddSeconds(-1));

        var platformToken = await cp.Tokens().CreateBootstrapTokenAsync(new CreateBootstrapTokenRequest { Platform = true });
        var agent = await cp.Gateway().RegisterAsync(ApiTestData.Registration(platformToken.Secret, "platform"));
        var gateway = cp.Gateway(agent.AgentKey);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "p", Acquire = true });

        var tenants = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            tenants.Add(Assert.Single((await gateway.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 })).Commands).TenantId);
        }

        Assert.Equal(10, tenants.Count(t => t == small.Id));
        output.WriteLine($"claim order: {string.Join(" ", tenants.Select(t => t == small.Id ? "S" : "b"))}");
    }

    [Fact]
    public async Task PullCommands_CordonedOrDraining_NoNewWork()
    {
        await using var cp = await StartAsync();
        var (tenant, agent) = await cp.RegisterAgentAsync();
        var gateway = cp.Gateway(agent.AgentKey);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "h", Acquire = true });
        await cp.Commands().EnqueueCommandAsync(Enqueue(tenant.Id, "shellcheck", ("path", "/a")));
        await cp.Agents().CordonAgentAsync(new AgentActionRequest { Id = agent.AgentId });
        Assert.Empty((await gateway.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 })).Commands);
        await cp.Agents().UncordonAgentAsync(new AgentActionRequest { Id = agent.AgentId });
        Assert.Single((await gateway.PullCommandsAsync(new PullCommandsRequest { MaxCommands = 1 })).Commands);
    }

    private static EnqueueCommandRequest Enqueue(string tenant, string scanner, params (string Key, string Value)[] parameters)
    {
        var request = new EnqueueCommandRequest { Tenant = tenant, Scanner = scanner };
        foreach (var (key, value) in parameters)
        {
            request.Parameters[key] = value;
        }

        return request;
    }
}
