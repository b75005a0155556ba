using Grpc.Core;
using Grpc.Core.Interceptors;

namespace SecPlatform.Cli.Tests.Fakes;

/// <summary>Refuses every call whose bearer key is not <see cref="FakeControlPlane.ApiKey"/>, as the real service does.</summary>
public sealed class FakeAuthInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (context.RequestHeaders.GetValue("authorization") != $"Bearer {FakeControlPlane.ApiKey}")
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "the admin API key was refused"));
        }

        return continuation(request, context);
    }
}
