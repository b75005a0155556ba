namespace SecPlatform.Contracts.Secrets;

/// <summary>The kinds of secret the platform issues; the prefix lets secret scanners recognise a leak.</summary>
public enum SecretKind
{
    BootstrapToken,
    AgentKey,
    AdminKey,
}
