using SecPlatform.Cli.Install;

namespace SecPlatform.Cli.Tests.Install;

public sealed class InstallCommandsTests
{
    private const string Token = "spbt_abcdefghijkl_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq";
    private static readonly Uri Server = new("http://cp.example:8080/");

    [Fact]
    public void Build_Linux_QuotesTokenAndRunsAfterRegister()
    {
        var commands = InstallCommands.Build(Token, Server, new Dictionary<string, string>());

        Assert.Equal(
            $"sudo env SECPLAT_TOKEN='{Token}' secplat-agent register --server http://cp.example:8080 && sudo secplat-agent run",
            commands.Linux);
        Assert.Equal(commands.Linux, commands.MacOs);
    }

    [Fact]
    public void Build_Windows_UsesPowerShellEnvironmentVariable()
    {
        var commands = InstallCommands.Build(Token, Server, new Dictionary<string, string> { ["env"] = "prod" });

        Assert.Equal(
            $"$env:SECPLAT_TOKEN='{Token}'; secplat-agent.exe register --server http://cp.example:8080 --label env=prod; secplat-agent.exe run",
            commands.Windows);
    }

    [Fact]
    public void Build_Labels_PassedSortedToRegister()
    {
        var commands = InstallCommands.Build(Token, Server, new Dictionary<string, string> { ["zone"] = "eu-1", ["env"] = "prod" });

        Assert.Contains("register --server http://cp.example:8080 --label env=prod --label zone=eu-1 && sudo", commands.Linux);
        Assert.Contains("--label env=prod --label zone=eu-1; secplat-agent.exe run", commands.Windows);
    }

    [Fact]
    public void Build_LabelWithSpacesAndQuotes_IsQuotedPerShell()
    {
        var commands = InstallCommands.Build(Token, Server, new Dictionary<string, string> { ["team"] = "it's blue; rm -rf /" });

        Assert.Contains(@"--label 'team=it'\''s blue; rm -rf /' &&", commands.Linux);
        Assert.Contains("--label 'team=it''s blue; rm -rf /';", commands.Windows);
    }

    [Theory]
    [InlineData("plain-word_1.2:/=", "plain-word_1.2:/=")]
    [InlineData("a b", "'a b'")]
    [InlineData("$HOME", "'$HOME'")]
    [InlineData("", "''")]
    public void PosixQuote_QuotesOnlyWhenNeeded(string value, string expected) =>
        Assert.Equal(expected, InstallCommands.PosixQuote(value, always: false));

    [Theory]
    [InlineData("$env:x", "'$env:x'")]
    [InlineData("a,b", "'a,b'")]
    [InlineData("@splat", "'@splat'")]
    [InlineData("env=prod", "env=prod")]
    public void PowerShellQuote_QuotesPowerShellSpecials(string value, string expected) =>
        Assert.Equal(expected, InstallCommands.PowerShellQuote(value, always: false));
}
