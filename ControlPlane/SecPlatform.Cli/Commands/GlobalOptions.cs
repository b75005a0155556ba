using System.CommandLine;
using System.CommandLine.Parsing;
using SecPlatform.Cli.Output;

namespace SecPlatform.Cli.Commands;

/// <summary>The options every command accepts, anywhere on the line (recursive options of the root).</summary>
public sealed class GlobalOptions
{
    public const string DefaultServer = "http://127.0.0.1:8080";

    public GlobalOptions(Func<string, string?> getVariable)
    {
        Server = new Option<string>("--server")
        {
            Description = $"Base URL of the control plane [env: {CliEnvironment.ServerVariable}]",
            HelpName = "URL",
            Recursive = true,
            DefaultValueFactory = _ => getVariable(CliEnvironment.ServerVariable) is { Length: > 0 } fromEnvironment
                ? fromEnvironment
                : DefaultServer,
        };
        ApiKey = new Option<string?>("--api-key")
        {
            Description = $"Admin API key spadm_... [env: {CliEnvironment.ApiKeyVariable}; default: the control plane's first-start key file]",
            HelpName = "KEY",
            Recursive = true,
        };
        Pin = new Option<string?>("--pin")
        {
            Description = $"Pin of the control plane's TLS key (sha256//...), for https servers with a self-signed certificate [env: {CliEnvironment.PinVariable}]",
            HelpName = "PIN",
            Recursive = true,
            DefaultValueFactory = _ => getVariable(CliEnvironment.PinVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null,
        };
        // Nullable, so help shows no enum default ("Table") and "not given" reads as table.
        Output = new Option<OutputFormat?>("--output", "-o")
        {
            Description = "Output format [default: table]",
            HelpName = "table|json|csv",
            Recursive = true,
            CustomParser = ParseOutputFormat,
        };
        Output.CompletionSources.Add("table", "json", "csv");
        DataDir = new Option<string?>("--data-dir")
        {
            Description = "The control plane's data directory, where its first-start admin key file is read from when no key is given",
            HelpName = "DIR",
            Recursive = true,
        };
    }

    public Option<string> Server { get; }

    public Option<string?> ApiKey { get; }

    public Option<OutputFormat?> Output { get; }

    public Option<string?> Pin { get; }

    public Option<string?> DataDir { get; }

    public void AddTo(Command root)
    {
        root.Options.Add(Server);
        root.Options.Add(ApiKey);
        root.Options.Add(Pin);
        root.Options.Add(Output);
        root.Options.Add(DataDir);
    }

    private static OutputFormat? ParseOutputFormat(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return OutputFormat.Table;
        }

        var text = result.Tokens[0].Value;
        switch (text.ToLowerInvariant())
        {
            case "table":
                return OutputFormat.Table;
            case "json":
                return OutputFormat.Json;
            case "csv":
                return OutputFormat.Csv;
        }

        result.AddError($"--output must be 'table', 'json' or 'csv', not '{text}'");
        return OutputFormat.Table;
    }
}
