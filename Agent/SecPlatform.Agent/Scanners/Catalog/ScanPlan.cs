namespace SecPlatform.Agent.Scanners.Catalog;

/// <summary>
/// What a catalog entry decided for a validated target: run the executable with exactly these arguments (an
/// array: no shell ever parses them) in this directory; or skip it (nothing to scan: a complete, empty result);
/// or refuse it. <see cref="TruncationNote"/> says the plan covers only part of the target (the run is then marked
/// truncated, so it resolves nothing).
/// </summary>
public sealed record ScanPlan(
    IReadOnlyList<string>? Arguments,
    string? WorkingDirectory,
    string? SkipReason = null,
    string? Refusal = null,
    string? TruncationNote = null)
{
    public static ScanPlan Run(IReadOnlyList<string> arguments, string workingDirectory, string? truncationNote = null) =>
        new(arguments, workingDirectory, TruncationNote: truncationNote);

    public static ScanPlan Skip(string reason) => new(null, null, SkipReason: reason);

    public static ScanPlan Refuse(string reason) => new(null, null, Refusal: reason);
}
