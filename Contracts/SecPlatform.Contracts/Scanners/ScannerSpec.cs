namespace SecPlatform.Contracts.Scanners;

/// <summary>One catalog entry as both ends see it: the scanner id and the schema of its parameters.</summary>
public sealed record ScannerSpec(string Id, string Description, IReadOnlyList<ScannerParameter> Parameters)
{
    public ScannerParameter? Parameter(string name) => Parameters.FirstOrDefault(p => p.Name == name);
}
