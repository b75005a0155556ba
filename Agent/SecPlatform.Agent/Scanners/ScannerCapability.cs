namespace SecPlatform.Agent.Scanners;

/// <summary>A supported scanner found installed on this machine, with the version it reported.</summary>
public sealed record ScannerCapability(string Scanner, string Version);
