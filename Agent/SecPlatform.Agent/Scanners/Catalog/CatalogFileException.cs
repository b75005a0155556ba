namespace SecPlatform.Agent.Scanners.Catalog;

/// <summary>The test-only catalog file could not be read or holds an invalid entry.</summary>
public sealed class CatalogFileException(string message, Exception? inner = null) : Exception(message, inner);
