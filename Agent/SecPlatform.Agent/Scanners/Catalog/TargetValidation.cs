namespace SecPlatform.Agent.Scanners.Catalog;

/// <summary>The outcome of checking a scan's parameters: a target to scan, or why nothing may run.</summary>
public sealed record TargetValidation(ScanTarget? Target, string? Refusal)
{
    public static TargetValidation Accept(ScanTarget target) => new(target, null);

    public static TargetValidation Refuse(string reason) => new(null, reason);
}
