using SecPlatform.Agent.Cli;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Cli;

public sealed class BootstrapTokenSourceTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _token = Secrets.BootstrapToken().Value;
    private readonly string _otherToken = Secrets.BootstrapToken().Value;

    [Fact]
    public void Resolve_Flag_WinsOverEnvironment()
    {
        var token = BootstrapTokenSource.Resolve(_token, null, Environment(_otherToken));

        Assert.Equal(_token, token.Value);
    }

    [Fact]
    public void Resolve_File_IsReadAndTrimmedAndWinsOverEnvironment()
    {
        var file = _temp.Combine("token");
        File.WriteAllText(file, $"\r\n{_token}  \r\n");

        var token = BootstrapTokenSource.Resolve(null, file, Environment(_otherToken));

        Assert.Equal(_token, token.Value);
    }

    [Fact]
    public void Resolve_OnlyEnvironment_UsesIt()
    {
        var token = BootstrapTokenSource.Resolve(null, null, Environment($" {_token}\n"));

        Assert.Equal(_token, token.Value);
    }

    [Fact]
    public void Resolve_Nothing_FailsWithUsageNamingEverySource()
    {
        var error = Assert.Throws<AgentCliException>(() => BootstrapTokenSource.Resolve(null, null, Environment(null)));

        Assert.Equal(AgentExitCode.Usage, error.ExitCode);
        Assert.Contains("--token-file", error.Message);
        Assert.Contains("$SECPLAT_TOKEN", error.Message);
        Assert.Contains("--token", error.Message);
    }

    [Fact]
    public void Resolve_FlagAndFile_FailsWithUsage()
    {
        var error = Assert.Throws<AgentCliException>(() => BootstrapTokenSource.Resolve(_token, _temp.Combine("token"), Environment(null)));

        Assert.Equal(AgentExitCode.Usage, error.ExitCode);
    }

    [Fact]
    public void Resolve_MissingFile_FailsNamingTheFile()
    {
        var file = _temp.Combine("missing");

        var error = Assert.Throws<AgentCliException>(() => BootstrapTokenSource.Resolve(null, file, Environment(null)));

        Assert.Contains(file, error.Message);
    }

    [Fact]
    public void Resolve_EmptyFile_FailsSayingItIsEmpty()
    {
        var file = _temp.Combine("token");
        File.WriteAllText(file, " \n");

        var error = Assert.Throws<AgentCliException>(() => BootstrapTokenSource.Resolve(null, file, Environment(null)));

        Assert.Contains("is empty", error.Message);
    }

    [Fact]
    public void Resolve_NotABootstrapToken_FailsWithoutEchoingIt()
    {
        var agentKey = Secrets.AgentKey();

        var error = Assert.Throws<AgentCliException>(() => BootstrapTokenSource.Resolve(agentKey.Value, null, Environment(null)));

        Assert.Equal(AgentExitCode.Usage, error.ExitCode);
        Assert.DoesNotContain(agentKey.Secret, error.Message);
    }

    private static Func<string, string?> Environment(string? token) =>
        name => name == BootstrapTokenSource.EnvironmentVariable ? token : null;

    public void Dispose() => _temp.Dispose();
}
