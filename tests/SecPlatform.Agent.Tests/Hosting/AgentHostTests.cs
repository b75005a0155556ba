using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SecPlatform.Agent.Hosting;
using SecPlatform.Agent.Outbox;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Policy;
using SecPlatform.Agent.Scanners;
using SecPlatform.Agent.Scanners.Catalog;
using SecPlatform.Agent.State;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Hosting;

public sealed class AgentHostTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task AddAgentServices_ScanEngine_ReadsTheStoredPolicyAndTheTestCatalog()
    {
        var catalogFile = _temp.Combine("catalog.json");
        File.WriteAllText(catalogFile, """{ "scanners": [ { "id": "argv-stub", "executable": "/bin/true", "arguments": ["{path}"] } ] }""");
        var runtime = new TestRuntime();
        runtime.Environment[ExtraCatalogFile.EnvironmentVariable] = catalogFile;
        using var store = AgentStateStore.Open(_temp.Combine("state"), AgentPlatforms.Current);
        var services = new ServiceCollection().AddLogging();
        services.AddAgentServices(Samples.Identity(), store, runtime.Runtime);
        await using var provider = services.BuildServiceProvider();

        var engine = provider.GetRequiredService<ScanEngine>();
        var refused = await engine.RunAsync("cmd-1", "argv-stub", new Dictionary<string, string> { ["path"] = _temp.Path }, CancellationToken.None);
        store.SavePolicy(AgentPolicy.Create([_temp.Path], [], null, ["argv-stub"]));
        var allowed = await engine.RunAsync("cmd-2", "argv-stub", new Dictionary<string, string> { ["path"] = _temp.Path }, CancellationToken.None);

        Assert.NotNull(engine.Catalog.Find("argv-stub"));
        Assert.Equal(ScanOutcome.Refused, refused.Outcome);
        Assert.Contains("allows no path", refused.FailureReason);
        Assert.Equal(ScanOutcome.Succeeded, allowed.Outcome);
        Assert.Equal("web-1.example", allowed.Scope!.AgentHost);
    }

    [Fact]
    public async Task Host_OutboxHoldsWorkFromAnEarlierProcess_DeliveredBeforeTheFirstAcquireAndFlushedBeforeTheRelease()
    {
        var runtime = new TestRuntime();
        var gateway = runtime.Gateway;
        using var store = AgentStateStore.Open(_temp.Combine("state"), AgentPlatforms.Current);
        store.SaveIdentity(Samples.Identity());
        var outbox = new AgentOutbox(store, Options.Create(new OutboxOptions()), runtime.Time);
        outbox.Record("cmd00000000a", 1, Samples.ManyFindings(2), Samples.Completion("cmd00000000a"));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = _temp.Path });
        builder.Services.AddAgentServices(Samples.Identity(), store, runtime.Runtime);
        using var host = builder.Build();

        await host.StartAsync();
        await FakeClock.WaitUntilAsync(() => gateway.Renewals.Count >= 1 && gateway.Pulls.Count >= 1, "the acquire and the first pull");

        Assert.Equal(["StreamFindings", "Batch cmd00000000a-1-1", "CompleteCommand cmd00000000a", "RenewLease acquire", "PullCommands"],
            gateway.CallOrder.Take(5));
        Assert.True(outbox.Totals().IsEmpty);

        // Recorded while the control plane cannot take it: the graceful stop flushes it, then releases the lease.
        gateway.OnOpenStream = _ => throw FakeAgentGateway.Error(Grpc.Core.StatusCode.Unavailable, "Connection refused");
        outbox = host.Services.GetRequiredService<AgentOutbox>();
        outbox.Record("cmd00000000b", 1, Samples.ManyFindings(1, "b"), Samples.Completion("cmd00000000b"));
        await FakeClock.WaitUntilAsync(() => gateway.CallOrder.Count(c => c == "StreamFindings") >= 2, "a failed delivery");
        gateway.OnOpenStream = _ => Task.CompletedTask;
        await host.StopAsync();

        Assert.True(outbox.Totals().IsEmpty);
        Assert.Equal(["Batch cmd00000000b-1-1", "CompleteCommand cmd00000000b", "ReleaseLease"], gateway.CallOrder.Where(c => c != "StreamFindings").TakeLast(3));
    }

    public void Dispose() => _temp.Dispose();
}
