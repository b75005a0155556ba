namespace SecPlatform.Contracts.Client;

/// <summary>The base URL did not lead to a control plane (connection refused, not a SecPlatform server, ...).</summary>
public sealed class ControlPlaneUnreachableException(string message, Exception? inner = null) : Exception(message, inner);
