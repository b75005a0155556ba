using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Fakes;

/// <summary>
/// Enqueues anything (scanner "unknown" is refused) as <see cref="NewId"/>, queued. Known commands
/// follow a script, one step per <c>GetCommand</c> of that id, staying on the last step:
/// <list type="bullet">
/// <item><see cref="SucceedingId"/>: queued, running 40%, running 40% (no change), succeeded;</item>
/// <item><see cref="FailingId"/>: queued, running 10%, failed with a reason;</item>
/// <item><see cref="CanceledId"/>: canceled at once;</item>
/// <item><see cref="StuckId"/>: running 50% for ever.</item>
/// </list>
/// Any other id is not found.
/// </summary>
public sealed class FakeCommandService(FakeState state) : CommandService.CommandServiceBase
{
    public const string NewId = "cmd-new";
    public const string SucceedingId = "cmd-ok";
    public const string FailingId = "cmd-fail";
    public const string CanceledId = "cmd-canceled";
    public const string StuckId = "cmd-stuck";
    public const string FailureReason = "scanner exited with code 2";

    private static readonly IReadOnlyDictionary<string, Command[]> Scripts = new Dictionary<string, Command[]>
    {
        [SucceedingId] =
        [
            Step(SucceedingId, CommandStatus.Queued, attempt: 0),
            Step(SucceedingId, CommandStatus.Running, attempt: 1, percent: 40, message: "scanning"),
            Step(SucceedingId, CommandStatus.Running, attempt: 1, percent: 40, message: "scanning"),
            Step(SucceedingId, CommandStatus.Succeeded, attempt: 1, percent: 100, summary: "3 findings"),
        ],
        [FailingId] =
        [
            Step(FailingId, CommandStatus.Queued, attempt: 0),
            Step(FailingId, CommandStatus.Running, attempt: 1, percent: 10, message: "starting"),
            Step(FailingId, CommandStatus.Failed, attempt: 1, percent: 10, reason: FailureReason),
        ],
        [CanceledId] = [Step(CanceledId, CommandStatus.Canceled, attempt: 0, reason: "canceled by admin")],
        [StuckId] = [Step(StuckId, CommandStatus.Running, attempt: 1, percent: 50, message: "still going")],
    };

    /// <summary>How many times <paramref name="id"/> was read.</summary>
    public static int Reads(FakeState state, string id) => state.Requests.OfType<GetCommandRequest>().Count(request => request.Id == id);

    public override Task<Command> EnqueueCommand(EnqueueCommandRequest request, ServerCallContext context)
    {
        state.Record(request);
        if (request.Scanner == "unknown")
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "unknown scanner 'unknown'"));
        }

        var expiresIn = request.ExpiresInSeconds == 0 ? 86400 : request.ExpiresInSeconds;
        return Task.FromResult(new Command
        {
            Id = NewId,
            TenantId = "tn-" + request.Tenant,
            Scanner = request.Scanner,
            Parameters = { request.Parameters },
            TargetAgentId = request.AgentId,
            SelectorLabels = { request.Labels },
            RequiredCapabilities = { request.RequiredCapabilities },
            Priority = request.Priority,
            MaxAttempts = request.MaxAttempts == 0 ? 3 : request.MaxAttempts,
            TimeoutSeconds = request.TimeoutSeconds == 0 ? 600 : request.TimeoutSeconds,
            NotBefore = request.NotBefore,
            ExpiresAt = Timestamp.FromDateTime(FakeData.Now.AddSeconds(expiresIn)),
            IdempotencyKey = request.IdempotencyKey,
            Status = CommandStatus.Queued,
            CreatedAt = FakeData.NowTimestamp,
            AvailableAt = request.NotBefore ?? FakeData.NowTimestamp,
            CreatedBy = FakeControlPlane.AdminId,
        });
    }

    public override Task<Command> GetCommand(GetCommandRequest request, ServerCallContext context)
    {
        state.Record(request);
        if (!Scripts.TryGetValue(request.Id, out var script))
        {
            throw NotFound(request.Id);
        }

        var step = Math.Min(Reads(state, request.Id), script.Length) - 1;
        return Task.FromResult(script[step].Clone());
    }

    public override Task<ListCommandsResponse> ListCommands(ListCommandsRequest request, ServerCallContext context)
    {
        state.Record(request);
        var failed = Scripts[FailingId][^1].Clone();
        failed.AgentId = "ag1";
        return Task.FromResult(new ListCommandsResponse
        {
            Items = { Scripts[SucceedingId][0].Clone(), failed },
            NextPageToken = string.IsNullOrEmpty(request.PageToken) ? "page-2" : string.Empty,
        });
    }

    public override Task<Command> CancelCommand(CancelCommandRequest request, ServerCallContext context)
    {
        state.Record(request);
        if (!Scripts.ContainsKey(request.Id))
        {
            throw NotFound(request.Id);
        }

        return Task.FromResult(Step(request.Id, CommandStatus.Canceled, attempt: 0, reason: "canceled by admin"));
    }

    private static RpcException NotFound(string id) => new(new Status(StatusCode.NotFound, $"command '{id}' not found"));

    private static Command Step(
        string id, CommandStatus status, int attempt, int percent = 0, string message = "", string reason = "", string summary = "") => new()
    {
        Id = id,
        TenantId = "tn-acme",
        Scanner = "shellcheck",
        Parameters = { ["path"] = "/srv/app" },
        MaxAttempts = 3,
        Attempt = attempt,
        TimeoutSeconds = 600,
        Status = status,
        StatusReason = reason,
        AgentId = attempt > 0 ? "ag1" : string.Empty,
        ProgressPercent = percent,
        ProgressMessage = message,
        Summary = summary,
        CreatedAt = FakeData.NowTimestamp,
        CreatedBy = FakeControlPlane.AdminId,
    };
}
