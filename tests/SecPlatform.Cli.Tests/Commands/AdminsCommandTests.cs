using System.Text.Json.Nodes;
using SecPlatform.Cli.Tests.Fakes;
using SecPlatform.Cli.Tests.Support;
using SecPlatform.Contracts.Admin.V1;
using SecPlatform.Contracts.Client;

namespace SecPlatform.Cli.Tests.Commands;

public sealed class AdminsCommandTests : CommandTestBase
{
    [Fact]
    public async Task Create_RoleWord_IsSentAsEnumAndKeyPrintedOnce()
    {
        var run = await RunAsync("admins", "create", "ops1", "--role", "ops_admin", "--tenant", "acme", "--output", "json");

        Assert.Equal(0, run.ExitCode);
        var json = JsonNode.Parse(run.Out)!;
        Assert.Equal("ops_admin", json["role"]!.GetValue<string>());
        Assert.StartsWith("spadm_newadmin0001_", json["apiKey"]!.GetValue<string>());
        var request = ControlPlane.State.Last<CreateAdminUserRequest>();
        Assert.Equal(AdminRole.OpsAdmin, request.Role);
        Assert.Equal("acme", request.Tenant);
    }

    [Fact]
    public async Task RotateKey_KeyFromKeyFile_SaysKeyFileIsStale()
    {
        using var dataDirectory = new TempDirectory();
        var keyFile = dataDirectory.WriteFile(DataDirectory.InitialAdminKeyFileName, FakeControlPlane.ApiKey);

        var run = await CliRun.RunAsync(["admins", "rotate-key", "--server", ControlPlane.Server, "--data-dir", dataDirectory.Path]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(FakeData.RotatedKey, run.Out);
        Assert.Contains($"the key file {keyFile} still holds the old key and is now stale", run.Out);
        Assert.Equal(string.Empty, ControlPlane.State.Last<RotateAdminKeyRequest>().AdminId);
    }

    [Fact]
    public async Task RotateKey_JsonFromKeyFile_FlagsStaleKeyFile()
    {
        using var dataDirectory = new TempDirectory();
        dataDirectory.WriteFile(DataDirectory.InitialAdminKeyFileName, FakeControlPlane.ApiKey);

        var run = await CliRun.RunAsync(["admins", "rotate-key", "-o", "json", "--server", ControlPlane.Server, "--data-dir", dataDirectory.Path]);

        var json = JsonNode.Parse(run.Out)!;
        Assert.True(json["keyFileStale"]!.GetValue<bool>());
        Assert.Equal(FakeData.RotatedKey, json["apiKey"]!.GetValue<string>());
        Assert.Contains("stale", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task RotateKey_OtherAdmin_KeyFileNotStale()
    {
        using var dataDirectory = new TempDirectory();
        dataDirectory.WriteFile(DataDirectory.InitialAdminKeyFileName, FakeControlPlane.ApiKey);

        var run = await CliRun.RunAsync(["admins", "rotate-key", "otheradmin01", "--server", ControlPlane.Server, "--data-dir", dataDirectory.Path]);

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("stale", run.Out);
        Assert.Equal("otheradmin01", ControlPlane.State.Last<RotateAdminKeyRequest>().AdminId);
    }

    [Fact]
    public async Task RotateKey_KeyFromOption_NoKeyFileNotice()
    {
        var run = await RunAsync("admins", "rotate-key");

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("stale", run.Out);
    }

    [Fact]
    public async Task WhoAmI_Json_PrintsCaller()
    {
        var run = await RunAsync("admins", "whoami", "--output", "json");

        var json = JsonNode.Parse(run.Out)!;
        Assert.Equal(FakeControlPlane.AdminId, json["id"]!.GetValue<string>());
        Assert.Equal("super_admin", json["role"]!.GetValue<string>());
        Assert.Null(json["revokedAt"]);
    }
}
