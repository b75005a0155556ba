namespace SecPlatform.Agent.Scanners.Catalog;

/// <summary>
/// What a catalog entry decided for a validated target: run the executable with exactly these arguments (an
/// array: no shell ever parses them) in this directory; or skip it (nothing to scan: a complete, empty result);
/// or refuse it. <see cref="TruncationNote"/> says the plan covers only part of the target (the run is then marked
/// truncated, so it resolves nothing). <see cref="OutputFile"/>: the scanner's result is that file, not its stdout.
/// </summary>
public sealed record ScanPlan(
    IReadOnlyList<string>? Arguments,
    string? WorkingDirectory,
    string? SkipReason = null,
    string? Refusal = null,
    string? TruncationNote = null,
    string? OutputFile = null)
{
    public static ScanPlan Run(IReadOnlyList<string> arguments, string workingDirectory, string? truncationNote = null) =>
        new(arguments, workingDirectory, TruncationNote: truncationNote);

    /// <summary>
    /// Run a scanner that writes its result to <paramref name="outputFile"/> (a path the agent chose, which must not
    /// exist yet) instead of stdout: the runner parses that file, capped like stdout, and deletes it afterwards.
    /// </summary>
    public static ScanPlan RunToFile(IReadOnlyList<string> arguments, string workingDirectory, string outputFile) =>
        new(arguments, workingDirectory, OutputFile: outputFile);

    public static ScanPlan Skip(string reason) => new(null, null, SkipReason: reason);

    public static ScanPlan Refuse(string reason) => new(null, null, Refusal: reason);
}
