using System.CommandLine;
using System.Text;
using SecPlatform.Contracts.Admin.V1;
using Command = System.CommandLine.Command;

namespace SecPlatform.Cli.Commands;

/// <summary>
/// <c>secplat findings export --format sarif|csv|json</c>: the server renders one document and streams it in
/// chunks; they are written to stdout as they arrive, so a large export never sits in memory here.
/// </summary>
public static class FindingsExportCommand
{
    private static readonly string[] Formats = ["sarif", "csv", "json"];

    public static Command Create(CommandRunner runner)
    {
        var format = new Option<string?>("--format")
        {
            Description = "sarif (SARIF 2.1.0, one run per scanner), csv (RFC 4180 with a header row) or json",
            Required = true,
            HelpName = "sarif|csv|json",
            CustomParser = result => FindingsCommand.ParseWords(result, "--format", Formats) is [var word] ? word : Refuse(result),
        };
        format.CompletionSources.Add(Formats);
        var command = new Command("export", "Write a tenant's findings (the same filters as list) to stdout as one SARIF, CSV or JSON document") { format };
        var filters = FindingFilterOptions.AddTo(command);
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new FindingService.FindingServiceClient(invoker), cancellationToken);
            var request = filters.Apply(context, new ExportFindingsRequest { Format = context.GetValue(format) ?? "" });
            using var call = client.ExportFindings(request, context.Call(cancellationToken));
            // One decoder for the whole stream: a chunk may end inside a multi-byte character.
            var decoder = new UTF8Encoding(false, true).GetDecoder();
            var text = new char[64 * 1024];
            while (await call.ResponseStream.MoveNext(cancellationToken))
            {
                var bytes = call.ResponseStream.Current.Data.Span;
                while (!bytes.IsEmpty)
                {
                    decoder.Convert(bytes, text, flush: false, out var used, out var written, out _);
                    context.Output.Text.Write(text, 0, written);
                    bytes = bytes[used..];
                }
            }

            context.Output.Text.Flush();
        });
        return command;
    }

    private static string? Refuse(System.CommandLine.Parsing.ArgumentResult result)
    {
        if (!result.Errors.Any())
        {
            result.AddError($"--format takes one of {string.Join(", ", Formats)}");
        }

        return null;
    }
}
