using Grpc.Core;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.Contracts.Client;
using SecPlatform.Contracts.Secrets;

namespace SecPlatform.Agent.Gateway;

/// <summary>
/// <see cref="IAgentGateway"/> over the generated client. Connects lazily (the control plane may be
/// down when the agent starts) and reconnects after <c>Unavailable</c>, re-reading the discovery
/// document in case the control plane came back on another gRPC port.
/// </summary>
public sealed class GrpcAgentGateway(Uri server, SecretToken? agentKey, TimeProvider timeProvider) : IAgentGateway
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

    public void Dispose()
    {
        _disposed = true;
        Interlocked.Exchange(ref _connection, null)?.Dispose();
        _connectLock.Dispose();
    }

    private async Task<TResponse> CallAsync<TResponse>(
        Func<AgentGateway.AgentGatewayClient, CallOptions, Task<TResponse>> call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The deadline covers the discovery fetch too, so a black-holed control plane cannot stall the caller.
        using var deadline = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        ControlPlaneConnection connection;
        try
        {
            connection = await ConnectAsync(linked.Token);
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

        try
        {
            var options = new CallOptions(deadline: timeProvider.GetUtcNow().UtcDateTime + timeout, cancellationToken: cancellationToken);
            return await call(new AgentGateway.AgentGatewayClient(connection.Invoker), options);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
        {
            if (Interlocked.CompareExchange(ref _connection, null, connection) == connection)
            {
                connection.Dispose();
            }

            throw;
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
            return _connection ??= await ControlPlaneEndpoint.ConnectAsync(server, agentKey?.Value, cancellationToken);
        }
        finally
        {
            _connectLock.Release();
        }
    }
}
