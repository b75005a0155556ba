using Grpc.Core;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Benchmarks.Swarm;

/// <summary>One simulated agent: an identity, a key and a holder identity. A few hundred bytes, no socket, no thread.</summary>
internal sealed class SimAgent(string id, string key, AgentGateway.AgentGatewayClient client)
{
    private int _renewing;

    public string Id { get; } = id;

    public string Holder { get; } = $"bench-{id}-{Environment.ProcessId}";

    public AgentGateway.AgentGatewayClient Client { get; } = client;

    public Metadata Headers { get; } = new() { { "authorization", "Bearer " + key } };

    public CallOptions Call(TimeSpan timeout, CancellationToken cancellationToken) =>
        new(Headers, DateTime.UtcNow + timeout, cancellationToken);

    /// <summary>An agent sends its next renewal only after the previous one answered.</summary>
    public bool TryStartRenewal() => Interlocked.Exchange(ref _renewing, 1) == 0;

    public void RenewalDone() => Volatile.Write(ref _renewing, 0);

    public Task<RenewLeaseResponse> RenewAsync(bool acquire, CancellationToken cancellationToken) =>
        Client.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = Holder, Acquire = acquire, Version = "bench" },
            Call(TimeSpan.FromSeconds(30), cancellationToken)).ResponseAsync;

    public Task<PullCommandsResponse> PullAsync(int max, int waitSeconds, CancellationToken cancellationToken) =>
        Client.PullCommandsAsync(new PullCommandsRequest { MaxCommands = max, WaitSeconds = waitSeconds },
            Call(TimeSpan.FromSeconds(waitSeconds + 30), cancellationToken)).ResponseAsync;

    public Task<CompleteCommandResponse> CompleteAsync(AssignedCommand command, CancellationToken cancellationToken) =>
        Client.CompleteCommandAsync(new CompleteCommandRequest
        {
            CommandId = command.Id,
            FencingToken = command.FencingToken,
            Outcome = CommandOutcome.Succeeded,
            Summary = "ok",
            DurationMs = 1,
        }, Call(TimeSpan.FromSeconds(30), cancellationToken)).ResponseAsync;
}
