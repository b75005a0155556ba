using Grpc.Core;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Services;
using SecPlatform.ControlPlane.Core.Storage;
using Capability = SecPlatform.ControlPlane.Core.Domain.Capability;

namespace SecPlatform.ControlPlane.Api;

/// <summary>The agents' API. Register uses the bootstrap token in the request; every other call the agent key.</summary>
internal sealed class AgentGatewayApi(
    RegistrationService registration,
    AgentAuthenticator auth,
    AgentSessionService sessions,
    AgentCommandService commands,
    FindingService findings,
    ILogger<AgentGatewayApi> logger)
    : AgentGateway.AgentGatewayBase
{
    public override async Task<RegisterResponse> Register(RegisterRequest request, ServerCallContext context)
    {
        var result = await registration.RegisterAsync(new RegistrationRequest(
            request.BootstrapToken, request.Name, request.Hostname, request.Os, request.Arch, request.Version,
            ToDomain(request.Capabilities), request.Labels), context.PeerIp(), context.CancellationToken);
        var response = new RegisterResponse
        {
            AgentId = result.Agent.Id,
            AgentKey = result.Key.Value,
            TenantId = result.Agent.TenantId ?? "",
            Platform = result.Agent.IsPlatform,
            Lease = new LeaseParameters
            {
                LeaseDurationSeconds = result.Lease.LeaseDurationSeconds,
                RenewIntervalSeconds = Math.Max(1, result.Lease.LeaseDurationSeconds / 4),
            },
        };
        response.Labels.Add(result.Agent.Labels);
        return response;
    }

    public override async Task<RenewLeaseResponse> RenewLease(RenewLeaseRequest request, ServerCallContext context)
    {
        var capabilities = request.Capabilities.Count > 0 ? ToDomain(request.Capabilities) : null;
        // The holder's plain renewal checks the key in the statement that renews (one round trip, docs/adr/0003); any
        // other case, a refused key or a revoked agent included, takes the usual way below, which gives the answer.
        LeaseAnswer? answer = null;
        if (!request.Acquire && auth.Proof(context.BearerToken()) is { } proof)
        {
            answer = await sessions.TryRenewWithKeyAsync(proof, request.HolderIdentity, request.Acquire, request.Version, capabilities,
                context.CancellationToken);
        }

        if (answer is null)
        {
            var (agent, _) = await auth.AuthenticateAsync(context.BearerToken(), context.CancellationToken);
            answer = await sessions.RenewAsync(agent, request.HolderIdentity, request.Acquire, request.Version, capabilities, context.CancellationToken);
        }

        var response = new RenewLeaseResponse
        {
            Lease = new LeaseParameters { LeaseDurationSeconds = answer.LeaseDurationSeconds, RenewIntervalSeconds = answer.NextRenewSeconds },
            NextRenewSeconds = answer.NextRenewSeconds,
            Drain = answer.Drain,
            Cordoned = answer.Cordoned,
            Revoked = answer.Revoked,
            LeaseTransitions = answer.Lease?.LeaseTransitions ?? 0,
            RenewTime = ProtoMapper.ToTimestamp(answer.Lease?.RenewTime),
        };
        response.StopCommandIds.Add(answer.StopCommandIds);
        return response;
    }

    public override async Task<PullCommandsResponse> PullCommands(PullCommandsRequest request, ServerCallContext context)
    {
        var (agent, _) = await auth.AuthenticateActiveAsync(context.BearerToken(), context.CancellationToken);
        var result = await commands.PullAsync(agent, request.MaxCommands, request.WaitSeconds, context.CancellationToken);
        var response = new PullCommandsResponse();
        response.Commands.Add(result.Commands.Select(ProtoMapper.ToAssigned));
        response.StopCommandIds.Add(result.StopCommandIds);
        return response;
    }

    public override async Task<StartCommandResponse> StartCommand(StartCommandRequest request, ServerCallContext context)
    {
        var (agent, _) = await auth.AuthenticateActiveAsync(context.BearerToken(), context.CancellationToken);
        var command = await commands.StartAsync(agent, request.CommandId, request.FencingToken, context.CancellationToken);
        return new StartCommandResponse { StopRequested = command.StopRequested };
    }

    public override async Task<ReportProgressResponse> ReportProgress(ReportProgressRequest request, ServerCallContext context)
    {
        var (agent, _) = await auth.AuthenticateActiveAsync(context.BearerToken(), context.CancellationToken);
        var command = await commands.ReportProgressAsync(agent, request.CommandId, request.FencingToken, request.Percent, request.Message, context.CancellationToken);
        return new ReportProgressResponse { StopRequested = command.StopRequested };
    }

    public override async Task<CompleteCommandResponse> CompleteCommand(CompleteCommandRequest request, ServerCallContext context)
    {
        Core.Domain.CommandStatus? known = request.Outcome switch
        {
            CommandOutcome.Succeeded => Core.Domain.CommandStatus.Succeeded,
            CommandOutcome.Failed => Core.Domain.CommandStatus.Failed,
            CommandOutcome.Canceled => Core.Domain.CommandStatus.Canceled,
            _ => null,
        };
        // The common completion checks the key in the statement that completes (one round trip, docs/adr/0003); any
        // other case, a refused key included, takes the usual way below, which gives the answer.
        if (known is { } plain && auth.Proof(context.BearerToken()) is { } proof
            && await commands.TryCompleteWithKeyAsync(proof, request.CommandId, request.FencingToken, plain, request.Retryable, request.ExitCode,
                request.Summary, request.Error, request.LogTail, request.FindingCount, request.Truncated, request.ComponentCount,
                context.CancellationToken) is { } completed)
        {
            return new CompleteCommandResponse { Status = completed.Status.Word() };
        }

        var (agent, _) = await auth.AuthenticateActiveAsync(context.BearerToken(), context.CancellationToken);
        var outcome = known ?? throw new DomainException(ErrorKind.InvalidArgument, "outcome must be succeeded, failed or canceled");
        var command = await commands.CompleteAsync(agent, request.CommandId, request.FencingToken, outcome, request.Retryable, request.ExitCode,
            request.Summary, request.Error, request.LogTail, request.FindingCount, request.Truncated, request.ComponentCount, context.CancellationToken);
        return new CompleteCommandResponse { Status = command.Status.Word() };
    }

    public override async Task<ReleaseLeaseResponse> ReleaseLease(ReleaseLeaseRequest request, ServerCallContext context)
    {
        var (agent, _) = await auth.AuthenticateActiveAsync(context.BearerToken(), context.CancellationToken);
        await sessions.ReleaseAsync(agent, request.HolderIdentity, context.CancellationToken);
        return new ReleaseLeaseResponse();
    }

    public override async Task<RotateKeyResponse> RotateKey(RotateKeyRequest request, ServerCallContext context)
    {
        var (agent, _) = await auth.AuthenticateActiveAsync(context.BearerToken(), context.CancellationToken);
        var (key, previousExpire) = await sessions.RotateKeyAsync(agent, context.CancellationToken);
        return new RotateKeyResponse { AgentKey = key.Value, PreviousKeyExpiresAt = ProtoMapper.ToTimestamp(previousExpire) };
    }

    public override async Task<DeregisterResponse> Deregister(DeregisterRequest request, ServerCallContext context)
    {
        // A revoked agent may still remove itself: uninstalling is always allowed.
        var (agent, _) = await auth.AuthenticateAsync(context.BearerToken(), context.CancellationToken);
        await sessions.DeregisterAsync(agent, context.CancellationToken);
        return new DeregisterResponse();
    }

    public override async Task StreamFindings(IAsyncStreamReader<FindingBatch> requestStream, IServerStreamWriter<FindingBatchAck> responseStream,
        ServerCallContext context)
    {
        var (agent, _) = await auth.AuthenticateActiveAsync(context.BearerToken(), context.CancellationToken);
        await foreach (var batch in requestStream.ReadAllAsync(context.CancellationToken))
        {
            var ack = new FindingBatchAck { BatchId = batch.BatchId };
            try
            {
                var result = await findings.IngestAsync(agent, batch.CommandId, batch.FencingToken,
                    batch.Findings.Select(ProtoMapper.FromProto).ToList(), batch.Components.Select(ProtoMapper.FromProto).ToList(), context.CancellationToken);
                ack.Accepted = result.Outcome == CommandUpdateOutcome.Applied;
                ack.NewCount = result.NewCount;
                ack.DuplicateCount = result.DuplicateCount;
                ack.RefusedReason = result.Outcome switch
                {
                    CommandUpdateOutcome.Applied => "",
                    CommandUpdateOutcome.NotFound => $"command {batch.CommandId} is not this agent's",
                    _ => $"stale fencing token {batch.FencingToken} for command {batch.CommandId}: it was reassigned or has ended",
                };
            }
            catch (DomainException e) when (e.Kind == ErrorKind.InvalidArgument)
            {
                ack.RefusedReason = e.Message;
            }

            if (!ack.Accepted)
            {
                logger.LogWarning("Agent {AgentId}: findings batch {BatchId} for command {CommandId} refused: {Reason}",
                    agent.Agent.Id, batch.BatchId, batch.CommandId, ack.RefusedReason);
            }

            await responseStream.WriteAsync(ack, context.CancellationToken);
        }
    }

    private static List<Capability> ToDomain(IEnumerable<Contracts.Agent.V1.Capability> capabilities) =>
        capabilities.Select(c => new Capability { Scanner = c.Scanner, Version = c.Version }).ToList();
}
