using SecPlatform.Testing;

namespace SecPlatform.EndToEnd.Tests.Installers;

/// <summary>
/// The packaged linux-x64 agent (<c>installers/package.sh --rid linux-x64</c>), built once per test run: the publish
/// takes a while, so every installer test shares it. <c>SECPLAT_AGENT_DOWNLOADS</c> names a downloads directory
/// already built by package.sh (e.g. by CI before the tests) to reuse instead.
/// </summary>
public sealed class AgentPackageFixture : IAsyncLifetime
{
    public const string ReuseVariable = "SECPLAT_AGENT_DOWNLOADS";

    private string? _ownDirectory;

    /// <summary>The downloads directory: secplat-agent-linux-x64, the installers under their flat names, SHA256SUMS.</summary>
    public string DownloadsDirectory { get; private set; } = "";

    public string LinuxBinary => Path.Combine(DownloadsDirectory, "secplat-agent-linux-x64");

    public static string InstallersDirectory => Path.Combine(RepoPaths.Root, "installers");

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(ReuseVariable) is { Length: > 0 } given)
        {
            Assert.True(File.Exists(Path.Combine(given, "secplat-agent-linux-x64")),
                $"${ReuseVariable}={given} has no secplat-agent-linux-x64: build it with `bash installers/package.sh --out {given}` or unset the variable");
            DownloadsDirectory = given;
            return;
        }

        _ownDirectory = Directory.CreateTempSubdirectory("secplat-e2e-downloads-").FullName;
        var result = await ToolProcess.RunAsync("bash", [Path.Combine(InstallersDirectory, "package.sh"), "--rid", "linux-x64", "--out", _ownDirectory],
            timeout: TimeSpan.FromMinutes(15), workingDirectory: RepoPaths.Root);
        Assert.True(result.ExitCode == 0, $"installers/package.sh failed: {result}");
        DownloadsDirectory = _ownDirectory;
    }

    public Task DisposeAsync()
    {
        if (_ownDirectory is not null)
        {
            Directory.Delete(_ownDirectory, recursive: true);
        }

        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class AgentPackageCollection : ICollectionFixture<AgentPackageFixture>
{
    public const string Name = "agent package";
}
