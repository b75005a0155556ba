using SecPlatform.Cli.Connection;
using SecPlatform.Cli.Errors;
using SecPlatform.Cli.Tests.Support;
using SecPlatform.Contracts.Client;

namespace SecPlatform.Cli.Tests.Connection;

public sealed class ApiKeyResolverTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string DataDirectoryPath => _temp.Path;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Resolve_OptionGiven_WinsOverEnvironmentAndFile()
    {
        WriteKeyFile("spadm_fromfile");

        var key = ApiKeyResolver.Resolve(" spadm_option ", Environment("spadm_env"), DataDirectoryPath);

        Assert.Equal("spadm_option", key.Value);
        Assert.Null(key.KeyFilePath);
    }

    [Fact]
    public void Resolve_EnvironmentGiven_WinsOverFile()
    {
        WriteKeyFile("spadm_fromfile");

        var key = ApiKeyResolver.Resolve(null, Environment("spadm_env"), DataDirectoryPath);

        Assert.Equal("spadm_env", key.Value);
        Assert.Null(key.KeyFilePath);
    }

    [Fact]
    public void Resolve_NoKeyGiven_ReadsKeyFileInDataDirectory()
    {
        var path = WriteKeyFile("# SecPlatform first-start admin key\n\nspadm_fromfile\n");

        var key = ApiKeyResolver.Resolve(null, Environment(null), DataDirectoryPath);

        Assert.Equal("spadm_fromfile", key.Value);
        Assert.Equal(path, key.KeyFilePath);
    }

    [Fact]
    public void Resolve_NoKeyAnywhere_ThrowsOneLineSayingHowToProvideOne()
    {
        var error = Assert.Throws<CliException>(() => ApiKeyResolver.Resolve(null, Environment(null), DataDirectoryPath));

        Assert.Equal(ExitCodes.Authentication, error.ExitCode);
        Assert.Contains("--api-key", error.Message);
        Assert.Contains("SECPLAT_API_KEY", error.Message);
        Assert.Contains("--data-dir", error.Message);
        Assert.Contains(Path.Combine(DataDirectoryPath, DataDirectory.InitialAdminKeyFileName), error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Resolve_EmptyKeyFile_ThrowsClearError()
    {
        WriteKeyFile("\n# nothing here\n");

        var error = Assert.Throws<CliException>(() => ApiKeyResolver.Resolve(null, Environment(null), DataDirectoryPath));

        Assert.Contains("holds no key", error.Message);
    }

    private static Func<string, string?> Environment(string? apiKey) =>
        name => name == CliEnvironment.ApiKeyVariable ? apiKey : null;

    private string WriteKeyFile(string content) => _temp.WriteFile(DataDirectory.InitialAdminKeyFileName, content);
}
