namespace SecPlatform.Contracts.Scanners;

/// <summary>The typed parameters a catalog scanner can take. The kind decides the syntax check.</summary>
public enum ParameterKind
{
    /// <summary>An absolute file-system path (the agent also checks it exists under an allowed root).</summary>
    Path,
    /// <summary>A host name or an IP address (the agent also checks it lies in an allowed network).</summary>
    Host,
    /// <summary>A port list such as <c>22,80,8000-8100</c>.</summary>
    Ports,
}
