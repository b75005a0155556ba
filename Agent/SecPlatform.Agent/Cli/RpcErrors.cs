using Grpc.Core;
using SecPlatform.Contracts.Client;

namespace SecPlatform.Agent.Cli;

/// <summary>Maps control-plane errors to one clear line and an exit code.</summary>
public static class RpcErrors
{
    public const string TokenRefused = "the bootstrap token was refused (bad, expired, revoked, used up, or not allowed from this address)";

    public static AgentCliException ForRegister(RpcException error, Uri server) => error.StatusCode switch
    {
        _ when error.Status.DebugException is ControlPlaneUntrustedException untrusted => Untrusted(untrusted, "the bootstrap token was not sent"),
        StatusCode.Unauthenticated => new(AgentExitCode.Revoked, TokenRefused),
        StatusCode.InvalidArgument => new(AgentExitCode.Usage, $"the control plane refused the registration: {error.Status.Detail}"),
        StatusCode.ResourceExhausted => new(AgentExitCode.Error, $"too many failed registration attempts; wait and try again ({error.Status.Detail})"),
        _ => Common(error, server, "registration failed"),
    };

    public static AgentCliException Common(RpcException error, Uri server, string what) => error.StatusCode switch
    {
        _ when error.Status.DebugException is ControlPlaneUntrustedException untrusted => Untrusted(untrusted, "the agent key was not sent"),
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => new(AgentExitCode.Error, $"cannot reach the control plane at {server}: {error.Status.Detail}"),
        StatusCode.Unauthenticated => new(AgentExitCode.Revoked, $"the control plane refused this agent's key ({error.Status.Detail})"),
        _ => new(AgentExitCode.Error, $"{what}: {error.StatusCode}: {error.Status.Detail}"),
    };

    private static AgentCliException Untrusted(ControlPlaneUntrustedException e, string notSent) =>
        new(AgentExitCode.Untrusted, $"{e.Message.Replace("nothing was sent to it", notSent, StringComparison.Ordinal)} (check --pin against 'secplat tokens create' or 'secplat server pin')");
}
