namespace SecPlatform.Cli.Connection;

/// <summary>The admin API key to use, and the key file it came from (null when given by option or environment).</summary>
public sealed record ResolvedApiKey(string Value, string? KeyFilePath)
{
    // Never print the key by accident.
    public override string ToString() => KeyFilePath is null ? "ResolvedApiKey(***)" : $"ResolvedApiKey(*** from {KeyFilePath})";
}
