using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecPlatform.EndToEnd.Tests;

/// <summary>
/// Software components through the whole product: a scan profile for cdxgen queued with the CLI, a real agent runs the
/// real cdxgen on a small npm project the test writes (package.json and its lock file), and the components of the SBOM
/// appear on the directory's asset (<c>secplat assets get</c> / <c>assets components</c>), exactly those cdxgen reports
/// when run directly; a second run after a dependency was removed replaces the set.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ComponentsEndToEndTests : IDisposable
{
    private const int LeaseSeconds = 10;
    private const string Tenant = "acme";
    private static readonly TimeSpan Finish = TimeSpan.FromSeconds(120);

    private readonly string _root = Directory.CreateTempSubdirectory("secplat-e2e-sbom-").FullName;

    [Fact]
    public async Task CdxgenProfile_RealSbomOfAPackageLock_ComponentsAppearOnTheAssetAndAreReplacedByTheNextRun()
    {
        var project = Directory.CreateDirectory(Path.Combine(_root, "app")).FullName;
        WriteProject(project, ("left-pad", "1.3.0"), ("ms", "2.1.3"));

        await using var cp = await ControlPlaneProcess.StartAsync(LeaseSeconds);
        await cp.JsonAsync("tenants", "create", Tenant);
        await using var agent = await AgentProcess.RegisterAsync(cp, Tenant, "sbom-1", ["--allow-path", _root]);
        agent.Start();
        var profile = await cp.JsonAsync("profiles", "create", "app-deps", "--tenant", Tenant, "--scanner", "cdxgen", "--param", $"path={project}");
        Assert.Equal(("app-deps", "cdxgen"), (profile.Str("name"), profile.Str("scanner")));

        var first = (await cp.JsonAsync("scans", "run", "--profile", "app-deps", "--tenant", Tenant)).Str("id");
        var bom = Path.Combine(_root, "direct.json");
        var direct = await DirectTool.RunAsync("cdxgen", ["--no-install-deps", "-o", bom, project], _root);
        Assert.Equal(0, direct.ExitCode);
        var expected = JsonDocument.Parse(File.ReadAllText(bom)).RootElement.GetProperty("components").EnumerateArray()
            .Select(c => $"{c.GetProperty("name").GetString()} {c.GetProperty("version").GetString()} {c.GetProperty("purl").GetString()}")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(["left-pad 1.3.0 pkg:npm/left-pad@1.3.0", "ms 2.1.3 pkg:npm/ms@2.1.3"], expected);

        var command = Assert.Single(await cp.WaitFinishedAsync(Tenant, Finish, first));
        Assert.True(command.Str("status") == "succeeded", $"{command.ToJsonString()}\n{agent.Log}");
        Assert.Contains("2 components", command.Str("summary"));
        var scan = await cp.JsonAsync("scans", "get", first);
        Assert.Equal(("app-deps", "succeeded", 0L), (scan.Str("profile"), scan.Str("status"), scan.Long("findingsNew")));

        var asset = Assert.Single((await cp.JsonAsync("assets", "list", "--tenant", Tenant, "--kind", "path"))["items"]!.AsArray(),
            a => a!.Str("value").EndsWith(":" + project, StringComparison.Ordinal))!;
        Assert.Equal(2, (await cp.JsonAsync("assets", "get", asset.Str("id"))).Long("componentCount"));
        Assert.Equal(expected, await ComponentsAsync(cp, asset.Str("id")));

        // ms is gone from the project: the next complete run leaves only left-pad.
        WriteProject(project, ("left-pad", "1.3.0"));
        var second = (await cp.JsonAsync("scans", "run", "--profile", "app-deps", "--tenant", Tenant)).Str("id");
        var again = Assert.Single(await cp.WaitFinishedAsync(Tenant, Finish, second));
        Assert.True(again.Str("status") == "succeeded", $"{again.ToJsonString()}\n{agent.Log}");
        Assert.Equal(["left-pad 1.3.0 pkg:npm/left-pad@1.3.0"], await ComponentsAsync(cp, asset.Str("id")));
        Assert.Equal(1, (await cp.JsonAsync("assets", "get", asset.Str("id"))).Long("componentCount"));
        var listed = (await cp.JsonAsync("scans", "list", "--tenant", Tenant, "--profile", "app-deps"))["items"]!.AsArray();
        Assert.Equal([first, second], listed.OfType<JsonNode>().Select(s => s.Str("id")));
    }

    private static async Task<List<string>> ComponentsAsync(ControlPlaneProcess cp, string assetId) =>
    [
        .. (await cp.JsonAsync("assets", "components", assetId))["items"]!.AsArray()
            .OfType<JsonNode>()
            .Select(c => $"{c.Str("name")} {c.Str("version")} {c.Str("purl")}")
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>package.json and a lockfile v3 with these dependencies (no integrity hashes: cdxgen validates their form).</summary>
    private static void WriteProject(string directory, params (string Name, string Version)[] dependencies)
    {
        var wanted = new JsonObject();
        var packages = new JsonObject { [""] = new JsonObject { ["name"] = "demo-app", ["version"] = "1.0.0", ["dependencies"] = wanted } };
        foreach (var (name, version) in dependencies)
        {
            wanted[name] = version;
            packages[$"node_modules/{name}"] = new JsonObject
            {
                ["version"] = version,
                ["resolved"] = $"https://registry.npmjs.org/{name}/-/{name}-{version}.tgz",
            };
        }

        var manifest = new JsonObject { ["name"] = "demo-app", ["version"] = "1.0.0", ["dependencies"] = wanted.DeepClone() };
        var lockFile = new JsonObject { ["name"] = "demo-app", ["version"] = "1.0.0", ["lockfileVersion"] = 3, ["requires"] = true, ["packages"] = packages };
        File.WriteAllText(Path.Combine(directory, "package.json"), manifest.ToJsonString());
        File.WriteAllText(Path.Combine(directory, "package-lock.json"), lockFile.ToJsonString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
