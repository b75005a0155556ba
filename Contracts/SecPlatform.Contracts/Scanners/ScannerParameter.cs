namespace SecPlatform.Contracts.Scanners;

public sealed record ScannerParameter(string Name, ParameterKind Kind, bool Required, string Description);
