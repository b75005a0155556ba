using SecPlatform.Cli.Commands;
using SecPlatform.Cli.Output;

namespace SecPlatform.Cli.Tests.Commands;

public sealed class GlobalOptionsTests
{
    public static TheoryData<string[]> Placements => new()
    {
        { ["--server", "http://cp:9000", "--api-key", "k1", "--output", "json", "--data-dir", "/d", "agents", "get", "ag1"] },
        { ["agents", "--server", "http://cp:9000", "--api-key", "k1", "get", "--output", "json", "ag1", "--data-dir", "/d"] },
        { ["agents", "get", "ag1", "--server", "http://cp:9000", "--api-key", "k1", "--output", "json", "--data-dir", "/d"] },
        { ["--output=json", "agents", "get", "--server=http://cp:9000", "ag1", "--api-key=k1", "--data-dir=/d"] },
        { ["-o", "JSON", "agents", "get", "ag1", "--data-dir", "/d", "--api-key", "k1", "--server", "http://cp:9000"] },
    };

    [Theory]
    [MemberData(nameof(Placements))]
    public void Parse_GlobalOptionsAnywhere_AreAccepted(string[] args)
    {
        var cli = new CliApplication(Environment());

        var result = cli.Parse(args);

        Assert.Empty(result.Errors);
        Assert.Equal("get", result.CommandResult.Command.Name);
        Assert.Equal("http://cp:9000", result.GetValue(cli.Globals.Server));
        Assert.Equal("k1", result.GetValue(cli.Globals.ApiKey));
        Assert.Equal(OutputFormat.Json, result.GetValue(cli.Globals.Output));
        Assert.Equal("/d", result.GetValue(cli.Globals.DataDir));
    }

    [Fact]
    public void Parse_NoGlobalOptions_UsesDefaults()
    {
        var cli = new CliApplication(Environment());

        var result = cli.Parse(["tenants", "list"]);

        Assert.Empty(result.Errors);
        Assert.Equal(GlobalOptions.DefaultServer, result.GetValue(cli.Globals.Server));
        Assert.Null(result.GetValue(cli.Globals.ApiKey));
        Assert.Null(result.GetValue(cli.Globals.Output));
    }

    [Fact]
    public void Parse_ServerFromEnvironment_IsTheDefault()
    {
        var cli = new CliApplication(Environment((CliEnvironment.ServerVariable, "http://from-env:1234")));

        Assert.Equal("http://from-env:1234", cli.Parse(["tenants", "list"]).GetValue(cli.Globals.Server));
        Assert.Equal("http://flag:1", cli.Parse(["tenants", "list", "--server", "http://flag:1"]).GetValue(cli.Globals.Server));
    }

    [Fact]
    public void Parse_UnknownOutputFormat_IsAnError()
    {
        var cli = new CliApplication(Environment());

        var result = cli.Parse(["tenants", "list", "--output", "xml"]);

        Assert.Contains(result.Errors, error => error.Message.Contains("'table', 'json' or 'csv'"));
    }

    private static CliEnvironment Environment(params (string Name, string Value)[] variables) =>
        new(TextWriter.Null, TextWriter.Null, name => variables.FirstOrDefault(variable => variable.Name == name).Value, TimeProvider.System);
}
