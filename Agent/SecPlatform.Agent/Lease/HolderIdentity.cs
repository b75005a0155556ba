using System.Security.Cryptography;

namespace SecPlatform.Agent.Lease;

/// <summary>
/// Names one agent process as the lease holder: <c>{hostname}/{pid}/{nonce}</c>, made once per process.
/// The nonce tells apart two processes with the same host name and pid (a cloned machine, a pid reused
/// after a restart), which is what lets the control plane spot two copies of one identity.
/// </summary>
public sealed record HolderIdentity(string Value)
{
    public static HolderIdentity Create(string hostname) =>
        new($"{hostname}/{Environment.ProcessId}/{RandomNumberGenerator.GetHexString(12, lowercase: true)}");

    public override string ToString() => Value;
}
