namespace SecPlatform.Agent.Scanners.Catalog;

/// <summary>What an exit code means for a run: success, or a failure with its reason and whether a retry can help.</summary>
public readonly record struct ExitVerdict(bool Succeeded, string? Reason, bool Retryable);
