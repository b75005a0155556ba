using SecPlatform.Contracts.Secrets;

namespace SecPlatform.Agent.Tests.Support;

/// <summary>Well-formed secrets for tests.</summary>
public static class Secrets
{
    public static SecretToken BootstrapToken() => SecretToken.Create(SecretKind.BootstrapToken);

    public static SecretToken AgentKey() => SecretToken.Create(SecretKind.AgentKey);
}
