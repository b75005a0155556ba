namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>A unique key was violated (e.g. a tenant name that exists already). Nothing was written.</summary>
public sealed class StoreConflictException(string message, Exception? inner = null) : Exception(message, inner);
