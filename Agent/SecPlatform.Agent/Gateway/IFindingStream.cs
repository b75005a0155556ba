using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Agent.Gateway;

/// <summary>
/// One open <c>StreamFindings</c> call, used one batch at a time: send a batch, get its acknowledgement (which the
/// server writes after its commit). Failures surface as <see cref="Grpc.Core.RpcException"/>.
/// </summary>
public interface IFindingStream : IDisposable
{
    /// <summary>Sends <paramref name="batch"/> and waits for the acknowledgement that follows it.</summary>
    Task<FindingBatchAck> SendAsync(FindingBatch batch, CancellationToken cancellationToken);

    /// <summary>Ends the request stream and waits for the server to end the call.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);
}
