using Grpc.Core;
using Grpc.Core.Interceptors;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Api;

/// <summary>
/// Starts every call with no tenant context: the store sees no tenant's rows until authentication says whose call
/// it is (an admin bound to a tenant or not, an agent of a tenant or a platform agent).
/// </summary>
internal sealed class TenantContextInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        TenantContext.BeginCall();
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        TenantContext.BeginCall();
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        TenantContext.BeginCall();
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        TenantContext.BeginCall();
        return continuation(requestStream, responseStream, context);
    }
}
