using System.Net;
using Microsoft.Extensions.Logging;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Policy;
using SecPlatform.Agent.Scanners;
using SecPlatform.Agent.Scanners.Catalog;
using SecPlatform.Agent.Scanners.Execution;

namespace SecPlatform.Agent.Tests.Support;

/// <summary>Builds a <see cref="ScanEngine"/> wired like production (real catalog, real processes, the OS's killer)
/// with a given policy, extra test-only entries and a scripted resolver.</summary>
public static class ScanEngines
{
    public const string AgentHost = "test-host";

    public static ScanEngine Create(
        AgentPolicy policy,
        IEnumerable<ScannerEntry>? extraEntries = null,
        IHostResolver? resolver = null,
        TimeProvider? time = null,
        ILogger<ScanEngine>? logger = null)
    {
        time ??= TimeProvider.System;
        var platform = AgentPlatforms.Current;
        var catalog = new AgentScannerCatalog([.. AgentScannerCatalog.BuiltIn(platform), .. extraEntries ?? []]);
        return new ScanEngine(
            catalog,
            new FixedAgentPolicySource(policy),
            new ScanTargetValidator(platform, resolver ?? new FakeHostResolver(), time),
            new ScannerRunner(new ScannerProcess(ProcessTreeKillers.Current, time)),
            new ExecutableLocator(platform, Environment.GetEnvironmentVariable),
            AgentHost,
            time,
            logger);
    }

    public static AgentPolicy Policy(string[]? paths = null, string[]? networks = null, string[]? scanners = null) =>
        AgentPolicy.Create(paths ?? [], networks ?? [], scanners, [.. Agent.Scanners.Catalog.AgentScannerCatalog.BuiltIn(AgentPlatforms.Current).Select(e => e.Id), "argv-stub", "argv-net", "slow-tree", "spew", "sarif-stub"]);

    /// <summary>A test-only entry, as <see cref="ExtraCatalogFile"/> would load it.</summary>
    public static TemplateScannerEntry Entry(
        string id,
        string executable,
        string[] arguments,
        string parser = "none",
        TimeSpan? timeout = null,
        OutputLimits? limits = null,
        int[]? successExitCodes = null) =>
        new(id, executable, arguments, parser, timeout ?? TimeSpan.FromSeconds(60), (successExitCodes ?? [0]).ToHashSet(), limits ?? OutputLimits.Default, Path.GetTempPath());

    public static IReadOnlyDictionary<string, string> Parameters(params (string Name, string Value)[] parameters) =>
        parameters.ToDictionary(p => p.Name, p => p.Value);

    public static IPAddress[] Addresses(params string[] addresses) => [.. addresses.Select(IPAddress.Parse)];
}
