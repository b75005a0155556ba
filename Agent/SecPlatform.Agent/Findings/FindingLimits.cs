namespace SecPlatform.Agent.Findings;

/// <summary>Bounds on what one finding may carry, whatever the scanner printed.</summary>
public static class FindingLimits
{
    public const int MaxEvidenceChars = 500;
    public const int MaxRuleIdChars = 200;
    public const int MaxTitleChars = 300;
    public const int MaxMessageChars = 2000;
    public const int MaxPathChars = 4096;
    public const int MaxIdsPerKind = 16;

    /// <summary>A run reporting more than this is cut (and marked partial): 8 MiB of output cannot hold many more.</summary>
    public const int MaxFindingsPerRun = 100_000;
}
