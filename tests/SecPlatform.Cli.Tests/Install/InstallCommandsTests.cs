using SecPlatform.Cli.Install;

namespace SecPlatform.Cli.Tests.Install;

public sealed class InstallCommandsTests
{
    private const string Token = "spbt_abcdefghijkl_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq";
    private const string Server = "http://cp.example:8080/";

    [Fact]
    public void Build_Linux_QuotesTokenAndRunsAfterRegister()
    {
        var commands = InstallCommands.Build(Token, Server, null, new Dictionary<string, string>());

        Assert.Equal(
            $"sudo env SECPLAT_TOKEN='{Token}' secplat-agent register --server http://cp.example:8080 && sudo secplat-agent run",
            commands.Linux);
        Assert.Equal(commands.Linux, commands.MacOs);
    }

    [Fact]
    public void Build_Windows_UsesPowerShellEnvironmentVariable()
    {
        var commands = InstallCommands.Build(Token, Server, null, new Dictionary<string, string> { ["env"] = "prod" });

        Assert.Equal(
            $"$env:SECPLAT_TOKEN='{Token}'; secplat-agent.exe register --server http://cp.example:8080 --label env=prod; secplat-agent.exe run",
            commands.Windows);
    }

    [Fact]
    public void Build_Labels_PassedSortedToRegister()
    {
        var commands = InstallCommands.Build(Token, Server, null, new Dictionary<string, string> { ["zone"] = "eu-1", ["env"] = "prod" });

        Assert.Contains("register --server http://cp.example:8080 --label env=prod --label zone=eu-1 && sudo", commands.Linux);
        Assert.Contains("--label env=prod --label zone=eu-1; secplat-agent.exe run", commands.Windows);
    }

    [Fact]
    public void Build_LabelWithSpacesAndQuotes_IsQuotedPerShell()
    {
        var commands = InstallCommands.Build(Token, Server, null, new Dictionary<string, string> { ["team"] = "it's blue; rm -rf /" });

        Assert.Contains(@"--label 'team=it'\''s blue; rm -rf /' &&", commands.Linux);
        Assert.Contains("--label 'team=it''s blue; rm -rf /';", commands.Windows);
    }

    [Fact]
    public void Build_WithPin_FetchesTheInstallerPinnedAndNeverPutsTheTokenInAnArgv()
    {
        const string pin = "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

        var commands = InstallCommands.Build(Token, "https://cp.example:8443/", pin, new Dictionary<string, string> { ["env"] = "prod" });

        Assert.True(commands.Pinned);
        Assert.Equal(
            $"(umask 077; printf '%s\\n' '{Token}' > ./secplat.token) && curl -fsS --pinnedpubkey '{pin}' -k -o ./install-linux.sh 'https://cp.example:8443/downloads/install-linux.sh' && sudo sh ./install-linux.sh --server 'https://cp.example:8443' --pin '{pin}' --token-file \"$PWD/secplat.token\"",
            commands.Linux);
        Assert.Equal(commands.Linux.Replace("install-linux.sh", "install-macos.sh"), commands.MacOs);
        // The token appears only as the argument of a shell builtin (printf, Set-Content), never of a program.
        Assert.Single(commands.Linux.Split(Token)[..^1]);
        Assert.Single(commands.Windows.Split(Token)[..^1]);
        Assert.StartsWith($"Set-Content -Path \"$env:TEMP\\secplat.token\" -Value '{Token}'; curl.exe", commands.Windows);
        Assert.DoesNotContain("--label", commands.Linux);
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
