using Grpc.Core;
using Grpc.Core.Interceptors;
using SecPlatform.ControlPlane.Core.Services;

namespace SecPlatform.ControlPlane.Api;

/// <summary>
/// Turns application refusals into gRPC statuses with their message, and records refused admin
/// mutations in the audit chain (successful ones are recorded by the application layer with detail).
/// Unexpected exceptions become Internal without leaking internals to the caller. An overloaded store (no free
/// connection within its short wait) becomes Unavailable with a retry hint, logged as one line and counted.
/// </summary>
internal sealed class ErrorMappingInterceptor(AuditLog audit, ControlPlaneMetrics metrics, ILogger<ErrorMappingInterceptor> logger) : Interceptor
{
    /// <summary>The gRPC retry pushback hint (milliseconds): how long a caller should wait before it tries again.</summary>
    public const string RetryPushbackHeader = "grpc-retry-pushback-ms";

    private const int RetryAfterMilliseconds = 1000;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (DomainException e)
        {
            await AuditRefusalAsync(context, e);
            throw new RpcException(new Status(ToStatusCode(e.Kind), e.Message));
        }
        catch (RpcException)
        {
            throw;
        }
        catch (Exception e) when (IsOverload(e))
        {
            // Under overload this happens per call: one line, no stack trace, and a counter to watch.
            metrics.Overloaded(context.Method);
            logger.LogWarning("Overloaded: {Method} answered UNAVAILABLE ({Reason})", context.Method, e.Message);
            throw new RpcException(new Status(StatusCode.Unavailable, $"the control plane is overloaded; retry in {RetryAfterMilliseconds / 1000} s"),
                new Metadata { { RetryPushbackHeader, RetryAfterMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Unhandled error in {Method}", context.Method);
            throw new RpcException(new Status(StatusCode.Internal, "internal error; the server log has the details"));
        }
    }

    /// <summary>The same mapping for server-streaming calls (exports): a refusal before the first message is a status.</summary>
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (DomainException e)
        {
            await AuditRefusalAsync(context, e);
            throw new RpcException(new Status(ToStatusCode(e.Kind), e.Message));
        }
        catch (RpcException)
        {
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Unhandled error in {Method}", context.Method);
            throw new RpcException(new Status(StatusCode.Internal, "internal error; the server log has the details"));
        }
    }

    public static StatusCode ToStatusCode(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        ErrorKind.NotFound => StatusCode.NotFound,
        ErrorKind.AlreadyExists => StatusCode.AlreadyExists,
        ErrorKind.PermissionDenied => StatusCode.PermissionDenied,
        ErrorKind.Unauthenticated => StatusCode.Unauthenticated,
        ErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
        ErrorKind.ResourceExhausted => StatusCode.ResourceExhausted,
        _ => StatusCode.Unknown,
    };

    /// <summary>The store gave up waiting for a connection (its pool is the bound on concurrent store work).</summary>
    private static bool IsOverload(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    private async Task AuditRefusalAsync(ServerCallContext context, DomainException e)
    {
        var admin = context.AuthenticatedAdmin();
        if (admin is null || e.Kind is not (ErrorKind.PermissionDenied or ErrorKind.NotFound) || IsRead(context.Method))
        {
            return;
        }

        try
        {
            var action = context.Method[(context.Method.LastIndexOf('/') + 1)..];
            await audit.RecordAsync(admin, action, "call", "", admin.TenantId, AuditLog.Denied, e.Message, CancellationToken.None);
        }
        catch (Exception auditError)
        {
            logger.LogError(auditError, "Could not audit a refused {Method}", context.Method);
        }
    }

    private static bool IsRead(string method)
    {
        var name = method[(method.LastIndexOf('/') + 1)..];
        return name.StartsWith("List", StringComparison.Ordinal) || name.StartsWith("Get", StringComparison.Ordinal)
            || name.StartsWith("Summarize", StringComparison.Ordinal) || name.StartsWith("Export", StringComparison.Ordinal)
            || name is "WhoAmI" or "VerifyAuditChain";
    }
}
