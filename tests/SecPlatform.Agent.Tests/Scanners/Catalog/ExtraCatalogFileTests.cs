using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Scanners.Catalog;
using SecPlatform.Agent.Tests.Support;

namespace SecPlatform.Agent.Tests.Scanners.Catalog;

public sealed class ExtraCatalogFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public void Load_ValidFile_CreatesTestOnlyEntries()
    {
        var file = Write("""
            { "scanners": [
              { "id": "argv-stub", "executable": "/opt/stub", "arguments": ["--x", "{path}"], "parser": "none" },
              { "id": "net-stub", "executable": "/opt/stub", "arguments": ["{host}", "{ports}"], "parser": "sarif",
                "timeoutSeconds": 5, "successExitCodes": [0, 1], "maxStdoutBytes": 1024 }
            ] }
            """);

        var entries = ExtraCatalogFile.Load(file, "/tmp");

        Assert.Equal(["argv-stub", "net-stub"], entries.Select(e => e.Id));
        Assert.All(entries, e => Assert.True(e.IsTestOnly));
        Assert.Equal(["path"], entries[0].Spec.Parameters.Select(p => p.Name));
        Assert.Equal(["host", "ports"], entries[1].Spec.Parameters.Select(p => p.Name));
        Assert.Equal(TimeSpan.FromSeconds(5), entries[1].DefaultTimeout);
        Assert.Equal(1024, entries[1].Limits.MaxStdoutBytes);
        Assert.True(entries[1].ExitCodes.Interpret("net-stub", 1).Succeeded);
    }

    [Theory]
    [InlineData("""{ "scanners": [ { "id": "shellcheck", "executable": "/opt/stub", "arguments": [] } ] }""", "replace a real scanner")]
    [InlineData("""{ "scanners": [ { "id": "Bad Id", "executable": "/opt/stub", "arguments": [] } ] }""", "[a-z0-9-]")]
    [InlineData("""{ "scanners": [ { "id": "x", "executable": "stub", "arguments": [] } ] }""", "absolute")]
    [InlineData("""{ "scanners": [ { "id": "x", "executable": "/opt/stub", "arguments": ["--target={path}"] } ] }""", "whole arguments")]
    [InlineData("""{ "scanners": [ { "id": "x", "executable": "/opt/stub", "arguments": [], "parser": "shell" } ] }""", "parser")]
    [InlineData("""{ "scanners": [ { "id": "x", "executable": "/opt/stub" }, { "id": "x", "executable": "/opt/stub" } ] }""", "twice")]
    [InlineData("""not json""", "cannot read")]
    public void Load_InvalidFile_Throws(string content, string problem)
    {
        var error = Assert.Throws<CatalogFileException>(() => ExtraCatalogFile.Load(Write(content), "/tmp"));

        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Create_EnvironmentVariable_AddsTheEntriesToTheCatalog()
    {
        var file = Write("""{ "scanners": [ { "id": "argv-stub", "executable": "/opt/stub", "arguments": ["{path}"] } ] }""");

        var catalog = AgentScannerCatalog.Create(AgentPlatforms.Current, name => name == ExtraCatalogFile.EnvironmentVariable ? file : null);
        var plain = AgentScannerCatalog.Create(AgentPlatforms.Current, _ => null);

        Assert.NotNull(catalog.Find("argv-stub"));
        Assert.Null(plain.Find("argv-stub"));
        Assert.Equal(AgentScannerCatalog.BuiltIn(AgentPlatforms.Current).Count, plain.Entries.Count);
    }

    private string Write(string content)
    {
        var file = _temp.Combine(Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose() => _temp.Dispose();
}
