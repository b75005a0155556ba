using Grpc.Core;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Gateway;

/// <summary>
/// <see cref="IFindingStream"/> over a real <c>StreamFindings</c> call. A call that ended early (the server failed, the
/// deadline passed) surfaces as the <see cref="RpcException"/> with the call's status; <c>Unavailable</c> (or <c>Internal</c>) also
/// makes the gateway reconnect next time.
/// </summary>
internal sealed class GrpcFindingStream(AsyncDuplexStreamingCall<FindingBatch, FindingBatchAck> call, Action onUnavailable) : IFindingStream
{
    public async Task<FindingBatchAck> SendAsync(FindingBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            try
            {
                await call.RequestStream.WriteAsync(batch, cancellationToken);
            }
            catch (InvalidOperationException)
            {
                // The call is over already; reading tells why (it throws the call's status).
                await call.ResponseStream.MoveNext(cancellationToken);
                throw new RpcException(new Status(StatusCode.Unavailable, "the findings stream ended before the batch was sent"));
            }

            if (!await call.ResponseStream.MoveNext(cancellationToken))
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "the findings stream ended without acknowledging the batch"));
            }

            return call.ResponseStream.Current;
        }
        catch (RpcException e) when (GrpcAgentGateway.IsConnectionFailure(e))
        {
            onUnavailable();
            throw;
        }
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await call.RequestStream.CompleteAsync();
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            // Nothing more is expected after the last acknowledgement; read to the call's end.
        }
    }

    public void Dispose() => call.Dispose();
}
