using Grpc.Core;
using SecPlatform.Contracts.Client;

namespace SecPlatform.Cli.Errors;

/// <summary>Turns any exception a command throws into the exit code and one-line message of <see cref="ExitCodes"/>.</summary>
public static class ErrorMapper
{
    public static (int ExitCode, string Message) Map(Exception exception) => exception switch
    {
        CliException e => (e.ExitCode, e.Message),
        ControlPlaneUnreachableException e => (ExitCodes.Unreachable, e.Message),
        ControlPlaneUntrustedException e => (ExitCodes.Unreachable, $"{e.Message.Replace("nothing was sent to it", "the API key was not sent", StringComparison.Ordinal)} (check --pin / ${CliEnvironment.PinVariable})"),
        RpcException e => (ExitCodeOf(e.StatusCode), MessageOf(e)),
        OperationCanceledException => (ExitCodes.Interrupted, "interrupted"),
        _ => (ExitCodes.Failure, $"unexpected error: {exception.Message}"),
    };

    public static int ExitCodeOf(StatusCode status) => status switch
    {
        StatusCode.Unauthenticated or StatusCode.PermissionDenied => ExitCodes.Authentication,
        StatusCode.NotFound => ExitCodes.NotFound,
        StatusCode.Unavailable => ExitCodes.Unreachable,
        _ => ExitCodes.Failure,
    };

    /// <summary>One line, whatever the server or the transport put in the detail.</summary>
    public static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string MessageOf(RpcException e)
    {
        var detail = string.IsNullOrWhiteSpace(e.Status.Detail) ? e.StatusCode.ToString() : e.Status.Detail;
        return e.StatusCode switch
        {
            StatusCode.Unavailable => $"the control plane is unavailable: {detail}",
            StatusCode.DeadlineExceeded => $"the control plane did not answer in time: {detail}",
            _ => detail,
        };
    }
}
