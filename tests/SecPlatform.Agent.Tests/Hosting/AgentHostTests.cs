using Microsoft.Extensions.DependencyInjection;
using SecPlatform.Agent.Hosting;
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

    public void Dispose() => _temp.Dispose();
}
