namespace SecPlatform.Agent.Findings;

/// <summary>The normalized severity scale. Each parser documents how its tool's levels map onto it.</summary>
public enum Severity
{
    Info,
    Low,
    Medium,
    High,
    Critical,
}
