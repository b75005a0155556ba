using Grpc.Core;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.Contracts.Client;
using SecPlatform.Contracts.Secrets;

namespace SecPlatform.Agent.Gateway;

/// <summary>
/// <see cref="IAgentGateway"/> over the generated client. Connects lazily (the control plane may be
/// down when the agent starts) and reconnects after <c>Unavailable</c> or <c>Internal</c> (what the client
/// reports when something else, e.g. an HTTP/1.1 server, now answers on the old port), re-reading the discovery
/// document in case the control plane came back on another gRPC port. With a pin, a server whose TLS key does not have it
/// gets nothing: the call fails <c>Unavailable</c> with a <see cref="ControlPlaneUntrustedException"/> as the status's debug exception.
/// </summary>
public sealed class GrpcAgentGateway(Uri server, SecretToken? agentKey, TimeProvider timeProvider, string? serverPin = null) : IAgentGateway
{
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private ControlPlaneConnection? _connection;
    private bool _disposed;

    public Task<RegisterResponse> RegisterAsync(RegisterRequest request, TimeSpan timeout, CancellationToken cancellationToken) =>
        CallAsync((client, options) => client.RegisterAsync(request, options).ResponseAsync, timeout, cancellationToken);

    public Task<RenewLeaseResponse> RenewLeaseAsync(RenewLeaseRequest request, TimeSpan timeout, CancellationToken cancellationToken) =>
        CallAsync((client, options) => client.RenewLeaseAsync(request, options).ResponseAsync, timeout, cancellationToken);

    public Task ReleaseLeaseAsync(ReleaseLeaseRequest request, TimeSpan timeout, CancellationToken cancellationToken) =>
        CallAsync((client, options) => client.ReleaseLeaseAsync(request, options).ResponseAsync, timeout, cancellationToken);

    public Task DeregisterAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        CallAsync((client, options) => client.DeregisterAsync(new DeregisterRequest(), options).ResponseAsync, timeout, cancellationToken);

    public Task<PullCommandsResponse> PullCommandsAsync(PullCommandsRequest request, TimeSpan timeout, CancellationToken cancellationToken) =>
        CallAsync((client, options) => client.PullCommandsAsync(request, options).ResponseAsync, timeout, cancellationToken);

    public Task<StartCommandResponse> StartCommandAsync(StartCommandRequest request, TimeSpan timeout, CancellationToken cancellationToken) =>
        CallAsync((client, options) => client.StartCommandAsync(request, options).ResponseAsync, timeout, cancellationToken);

    public Task<ReportProgressResponse> ReportProgressAsync(ReportProgressRequest request, TimeSpan timeout, CancellationToken cancellationToken) =>
        CallAsync((client, options) => client.ReportProgressAsync(request, options).ResponseAsync, timeout, cancellationToken);

    public Task<CompleteCommandResponse> CompleteCommandAsync(CompleteCommandRequest request, TimeSpan timeout, CancellationToken cancellationToken) =>
        CallAsync((client, options) => client.CompleteCommandAsync(request, options).ResponseAsync, timeout, cancellationToken);

    public async Task<IFindingStream> OpenFindingStreamAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = timeProvider.GetUtcNow().UtcDateTime + timeout;
        var connection = await ConnectWithinAsync(timeout, cancellationToken);
        var call = new AgentGateway.AgentGatewayClient(connection.Invoker)
            .StreamFindings(new CallOptions(deadline: deadline, cancellationToken: cancellationToken));
        return new GrpcFindingStream(call, () => Forget(connection));
    }

    public void Dispose()
    {
        _disposed = true;
        Interlocked.Exchange(ref _connection, null)?.Dispose();
        _connectLock.Dispose();
    }

    private async Task<TResponse> CallAsync<TResponse>(
        Func<AgentGateway.AgentGatewayClient, CallOptions, Task<TResponse>> call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = timeProvider.GetUtcNow().UtcDateTime + timeout;
        var connection = await ConnectWithinAsync(timeout, cancellationToken);
        try
        {
            var options = new CallOptions(deadline: deadline, cancellationToken: cancellationToken);
            return await call(new AgentGateway.AgentGatewayClient(connection.Invoker), options);
        }
        catch (RpcException e) when (IsConnectionFailure(e))
        {
            Forget(connection);
            throw;
        }
    }

    /// <summary>The connection, made within <paramref name="timeout"/>: the deadline covers the discovery fetch too,
    /// so a black-holed control plane cannot stall the caller.</summary>
    private async Task<ControlPlaneConnection> ConnectWithinAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await ConnectAsync(linked.Token);
        }
        catch (ControlPlaneUntrustedException e)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, e.Message, e));
        }
        catch (ControlPlaneUnreachableException e)
        {
            // The detail is the reason alone; callers say which server they could not reach.
            throw new RpcException(new Status(StatusCode.Unavailable, e.InnerException?.Message ?? e.Message, e));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"no answer within {timeout}"));
        }
    }

    internal static bool IsConnectionFailure(RpcException e) => e.StatusCode is StatusCode.Unavailable or StatusCode.Internal;

    private void Forget(ControlPlaneConnection connection)
    {
        if (Interlocked.CompareExchange(ref _connection, null, connection) == connection)
        {
            connection.Dispose();
        }
    }

    private async Task<ControlPlaneConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Volatile.Read(ref _connection) is { } existing)
        {
            return existing;
        }

        await _connectLock.WaitAsync(cancellationToken);
        try
        {
            return _connection ??= await ControlPlaneEndpoint.ConnectAsync(server, agentKey?.Value, cancellationToken, pin: serverPin);
        }
        finally
        {
            _connectLock.Release();
        }
    }
}
