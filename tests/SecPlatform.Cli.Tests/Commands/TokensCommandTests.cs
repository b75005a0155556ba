using System.Text.Json.Nodes;
using SecPlatform.Cli.Tests.Fakes;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Commands;

public sealed class TokensCommandTests : CommandTestBase
{
    [Fact]
    public async Task Create_Json_HasExactlyTheContractFields()
    {
        var run = await RunAsync("tokens", "create", "--tenant", "acme", "--ttl", "1h30m", "--max-uses", "3",
            "--label", "env=prod", "--label", "zone=eu-1", "--cidr", "10.0.0.0/8", "--output", "json");

        Assert.Equal(0, run.ExitCode);
        var json = JsonNode.Parse(run.Out)!.AsObject();
        Assert.Equal(
            ["expiresAt", "id", "installCommands", "labels", "maxUses", "pin", "platform", "serverUrl", "tenantId", "token"],
            json.Select(property => property.Key).Order(StringComparer.Ordinal));
        Assert.Equal(FakeData.TokenId, json["id"]!.GetValue<string>());
        Assert.Equal(FakeData.TokenSecret, json["token"]!.GetValue<string>());
        Assert.Equal("2025-06-01T13:30:00Z", json["expiresAt"]!.GetValue<string>());
        Assert.Equal("tn-acme", json["tenantId"]!.GetValue<string>());
        Assert.False(json["platform"]!.GetValue<bool>());
        Assert.Equal(3, json["maxUses"]!.GetValue<int>());
        Assert.Equal("prod", json["labels"]!["env"]!.GetValue<string>());
        var install = json["installCommands"]!.AsObject();
        Assert.Equal(["linux", "windows", "macos"], install.Select(property => property.Key));
        Assert.Contains($"SECPLAT_TOKEN='{FakeData.TokenSecret}'", install["linux"]!.GetValue<string>());
        Assert.Contains($"--server {ControlPlane.Server} --label env=prod --label zone=eu-1", install["linux"]!.GetValue<string>());
        Assert.StartsWith($"$env:SECPLAT_TOKEN='{FakeData.TokenSecret}';", install["windows"]!.GetValue<string>());
        Assert.Contains("&& sudo secplat-agent run", install["macos"]!.GetValue<string>());

        var request = ControlPlane.State.Last<CreateBootstrapTokenRequest>();
        Assert.Equal("acme", request.Tenant);
        Assert.Equal(5400, request.TtlSeconds);
        Assert.Equal(3, request.MaxUses);
        Assert.Equal("eu-1", request.Labels["zone"]);
        Assert.Equal(["10.0.0.0/8"], request.Cidrs);
    }

    [Fact]
    public async Task Create_ServerWithPin_PrintsThePinAndTheContractOneLiners()
    {
        const string pin = "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
        ControlPlane.State.ServerPin = pin;
        ControlPlane.State.ServerUrl = "https://cp.example.test:8443";
        const string url = "https://cp.example.test:8443";
        var token = FakeData.TokenSecret;

        var table = await RunAsync("tokens", "create", "--tenant", "acme", "--label", "env=prod");
        var json = JsonNode.Parse((await RunAsync("tokens", "create", "--tenant", "acme", "-o", "json")).Out)!;

        Assert.Equal(0, table.ExitCode);
        var linux = $"(umask 077; printf '%s\\n' '{token}' > ./secplat.token) && curl -fsS --pinnedpubkey '{pin}' -k -o ./install-linux.sh '{url}/downloads/install-linux.sh' && sudo sh ./install-linux.sh --server '{url}' --pin '{pin}' --token-file \"$PWD/secplat.token\"";
        var windows = $"Set-Content -Path \"$env:TEMP\\secplat.token\" -Value '{token}'; curl.exe -fsS --pinnedpubkey '{pin}' -k -o \"$env:TEMP\\install-windows.ps1\" '{url}/downloads/install-windows.ps1'; if ($LASTEXITCODE -eq 0) {{ & \"$env:TEMP\\install-windows.ps1\" -Server '{url}' -Pin '{pin}' -TokenFile \"$env:TEMP\\secplat.token\" }}";
        var output = table.Out.ReplaceLineEndings("\n");
        Assert.Contains($"Server pin (what installers and agents check the control plane's TLS key against): {pin}\n", output);
        Assert.Contains($"Install on Linux:\n  {linux}\n", output);
        Assert.Contains($"Install on Windows (PowerShell as Administrator):\n  {windows}\n", output);
        Assert.Contains($"Install on macOS:\n  {linux.Replace("install-linux.sh", "install-macos.sh")}\n", output);
        Assert.DoesNotContain("plain http", output);
        Assert.Equal(pin, json["pin"]!.GetValue<string>());
        Assert.Equal(url, json["serverUrl"]!.GetValue<string>());
        Assert.Equal(linux, json["installCommands"]!["linux"]!.GetValue<string>());
        Assert.Equal(windows, json["installCommands"]!["windows"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_PlainHttpServer_PrintsTheRegisterLineAndTheRemoteAgentsNote()
    {
        var run = await RunAsync("tokens", "create", "--tenant", "acme");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("secplat-agent register --server", run.Out);
        Assert.Contains("Agents on other machines need it on https", run.Out);
        Assert.DoesNotContain("Server pin", run.Out);
    }

    [Fact]
    public async Task Create_Platform_SendsPlatformScopeAndServerDefaults()
    {
        var run = await RunAsync("tokens", "create", "--platform", "-o", "json");

        Assert.Equal(0, run.ExitCode);
        var json = JsonNode.Parse(run.Out)!;
        Assert.True(json["platform"]!.GetValue<bool>());
        Assert.Null(json["tenantId"]);
        var request = ControlPlane.State.Last<CreateBootstrapTokenRequest>();
        Assert.True(request.Platform);
        Assert.Equal(string.Empty, request.Tenant);
        Assert.Equal(0, request.TtlSeconds);
        Assert.Equal(0, request.MaxUses);
    }

    [Fact]
    public async Task Create_Table_PrintsTokenOnceWithCommandsForEveryOs()
    {
        var run = await RunAsync("tokens", "create", "--tenant", "acme");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Install on Linux:", run.Out);
        Assert.Contains("Install on Windows", run.Out);
        Assert.Contains("Install on macOS:", run.Out);
        Assert.Contains($"  {FakeData.TokenSecret}\n", run.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task List_Table_ShowsStatusAndNoSecret()
    {
        var run = await RunAsync("tokens", "list", "--tenant", "acme");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("ID", run.Out);
        Assert.Contains("USES", run.Out);
        Assert.DoesNotContain("spbt_", run.Out);
        Assert.Equal("acme", ControlPlane.State.Last<ListBootstrapTokensRequest>().Tenant);
    }
}
