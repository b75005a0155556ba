namespace SecPlatform.Agent.Cli;

/// <summary>What <c>policy show</c> prints (JSON field names in lowerCamelCase). Null scanners: every installed one.</summary>
public sealed record PolicyView(IReadOnlyList<string> AllowedPaths, IReadOnlyList<string> AllowedNetworks, IReadOnlyList<string>? AllowedScanners);
