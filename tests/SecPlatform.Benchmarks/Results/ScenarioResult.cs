using System.Text.Json.Serialization;

namespace SecPlatform.Benchmarks.Results;

/// <summary>
/// One row of the results. <see cref="Ratio"/> is always higher-is-better (figure / baseline, or baseline / figure
/// for lower-is-better figures). Rows without a baseline (absolute, report-only figures) have no ratio and no guard;
/// their <see cref="Target"/> is then the absolute target in <see cref="Unit"/>, and <see cref="Pass"/> says whether
/// the figure meets it. Only rows with a guard can fail the quick mode.
/// </summary>
internal sealed record ScenarioResult(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("figure")] double? Figure,
    [property: JsonPropertyName("baseline")] double? Baseline,
    [property: JsonPropertyName("ratio")] double? Ratio,
    [property: JsonPropertyName("target")] double? Target,
    [property: JsonPropertyName("guard")] double? Guard,
    [property: JsonPropertyName("pass")] bool? Pass)
{
    /// <summary>What the figure means here, or why it is missing; shown in the Markdown table only.</summary>
    [JsonIgnore]
    public string Note { get; init; } = "";

    /// <summary>The quick mode fails on this row: a guarded ratio below its guard, or missing because the scenario failed.</summary>
    [JsonIgnore]
    public bool BelowGuard => Guard is { } guard && (Ratio is not { } ratio || ratio < guard);

    /// <summary>A throughput-like figure against a baseline: ratio = figure / baseline, guard = target / 4.</summary>
    public static ScenarioResult Compared(string name, string unit, double figure, double baseline, double target, string note = "") =>
        WithRatio(name, unit, figure, baseline, baseline > 0 ? figure / baseline : 0, target, note);

    /// <summary>A latency-like figure (lower is better) against a baseline: ratio = baseline / figure.</summary>
    public static ScenarioResult ComparedLowerIsBetter(string name, string unit, double figure, double baseline, double target, string note = "") =>
        WithRatio(name, unit, figure, baseline, figure > 0 ? baseline / figure : 0, target, note);

    /// <summary>A figure compared with the baseline but with no ratio target of its own (report only).</summary>
    public static ScenarioResult ComparedReportOnly(string name, string unit, double figure, double baseline, string note = "") =>
        new(name, unit, Round(figure), Round(baseline), baseline > 0 ? Round(figure / baseline, 4) : null, null, null, null) { Note = note };

    /// <summary>An absolute figure (report only): pass says whether it meets <paramref name="target"/>, if there is one.</summary>
    public static ScenarioResult Absolute(string name, string unit, double figure, double? target, bool lowerIsBetter, string note = "") =>
        double.IsFinite(figure)
            ? new(name, unit, Round(figure), null, null, target, null,
                target is { } t ? (lowerIsBetter ? figure <= t : figure >= t) : null) { Note = note }
            // No sample (nothing succeeded): no figure, and a target it did not meet.
            : new(name, unit, null, null, null, target, null, target is null ? null : false) { Note = note == "" ? "no sample" : "no sample; " + note };

    /// <summary>
    /// The scenario failed: no figure. A guarded row stays guarded (a target that depends on the run's raw rate, unknown
    /// here, gets guard 0), so a broken scenario fails the quick mode.
    /// </summary>
    public static ScenarioResult Failed(string name, string unit, double? target, bool guarded, string error) =>
        new(name, unit, null, null, null, target, guarded ? (target is { } t ? Round(t / 4, 4) : 0) : null, false) { Note = "error: " + error };

    private static ScenarioResult WithRatio(string name, string unit, double figure, double baseline, double ratio, double target, string note) =>
        new(name, unit, Round(figure), Round(baseline), Round(ratio, 4), Round(target, 4), Round(target / 4, 4), ratio >= target) { Note = note };

    private static double Round(double value, int digits = 2) => Math.Round(value, digits, MidpointRounding.AwayFromZero);
}
