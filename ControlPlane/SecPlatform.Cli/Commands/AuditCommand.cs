using System.CommandLine;
using SecPlatform.Cli.Errors;
using SecPlatform.Cli.Output;
using SecPlatform.Contracts.Admin.V1;
using Command = System.CommandLine.Command;

namespace SecPlatform.Cli.Commands;

/// <summary><c>secplat audit list|verify</c>: the append-only, hash-chained admin audit log.</summary>
public static class AuditCommand
{
    private static readonly TableColumn<AuditEvent>[] Columns =
    [
        new("SEQ", auditEvent => CellFormat.Number(auditEvent.Sequence)),
        new("TIME", auditEvent => CellFormat.Time(auditEvent.Time)),
        new("ACTOR", auditEvent => auditEvent.ActorId),
        new("ACTION", auditEvent => auditEvent.Action),
        new("RESOURCE", auditEvent => string.IsNullOrEmpty(auditEvent.ResourceId)
            ? auditEvent.ResourceType
            : $"{auditEvent.ResourceType}/{auditEvent.ResourceId}"),
        new("TENANT", auditEvent => auditEvent.TenantId),
        new("OUTCOME", auditEvent => auditEvent.Outcome),
        new("PEER", auditEvent => auditEvent.PeerAddress),
    ];

    public static Command Create(CommandRunner runner) => new("audit", "Read and verify the admin audit log")
    {
        ListCommand(runner),
        VerifyCommand(runner),
    };

    private static Command ListCommand(CommandRunner runner)
    {
        var command = new Command("list", "List audit events, oldest first");
        var paging = PagingOptions.AddTo(command);
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new AuditService.AuditServiceClient(invoker), cancellationToken);
            var request = new ListAuditEventsRequest { PageSize = paging.PageSize(context), PageToken = paging.PageToken(context) };
            var page = await client.ListAuditEventsAsync(request, context.Call(cancellationToken));
            context.Output.WriteList(page.Items, page.NextPageToken, Columns);
        });
        return command;
    }

    private static Command VerifyCommand(CommandRunner runner)
    {
        var expectedCount = CliOptions.PositiveLong("--expected-count", "The event count published earlier; a shorter chain fails (cut tail)");
        var expectedHead = new Option<string?>("--expected-head")
        {
            Description = "The head hash published earlier; the chain must still reach it",
            HelpName = "HASH",
        };
        var command = new Command("verify", "Walk the hash chain; exit non-zero naming the first broken link") { expectedCount, expectedHead };
        runner.Attach(command, async (context, cancellationToken) =>
        {
            var client = await context.ClientAsync(invoker => new AuditService.AuditServiceClient(invoker), cancellationToken);
            var request = new VerifyAuditChainRequest
            {
                ExpectedCount = context.GetValue(expectedCount),
                ExpectedHeadHash = context.GetValue(expectedHead)?.Trim() ?? string.Empty,
            };
            var result = await client.VerifyAuditChainAsync(request, context.Call(cancellationToken));
            if (context.Output.IsJson)
            {
                context.Output.WriteJson(ProtoJsonConverter.ToJson(result));
            }

            if (!result.Ok)
            {
                CommandRunner.WriteError(context.Environment.Error, BrokenMessage(result));
                return ExitCodes.Failure;
            }

            if (!context.Output.IsJson)
            {
                var head = string.IsNullOrEmpty(result.HeadHash) ? "-" : result.HeadHash;
                context.Output.Text.WriteLine($"audit chain ok: {result.Count} events, head {head}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The one line for a broken chain, naming the first broken sequence when there is one.</summary>
    public static string BrokenMessage(VerifyAuditChainResponse result)
    {
        var problem = string.IsNullOrWhiteSpace(result.Problem) ? "the chain does not verify" : ErrorMapper.OneLine(result.Problem);
        return result.FirstBrokenSequence > 0
            ? $"audit chain broken at sequence {result.FirstBrokenSequence}: {problem}"
            : $"audit chain verification failed: {problem}";
    }
}
