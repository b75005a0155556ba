using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecPlatform.Benchmarks.Results;

/// <summary>Writes bench-results.json and bench-results.md, and renders the table for the console.</summary>
internal static class ResultWriter
{
    public const string JsonFile = "bench-results.json";
    public const string MarkdownFile = "bench-results.md";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static async Task WriteAsync(string outDir, IReadOnlyDictionary<string, object?> machine, IReadOnlyList<ScenarioResult> results,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outDir);
        var document = new Dictionary<string, object?> { ["machine"] = machine, ["scenarios"] = results };
        await File.WriteAllTextAsync(Path.Combine(outDir, JsonFile), JsonSerializer.Serialize(document, Json) + "\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(outDir, MarkdownFile), Markdown(machine, results), cancellationToken);
    }

    public static string Markdown(IReadOnlyDictionary<string, object?> machine, IReadOnlyList<ScenarioResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("Machine: " + string.Join(", ", machine.Select(kv => $"{kv.Key} {kv.Value}")));
        text.AppendLine();
        text.AppendLine("| scenario | unit | figure | baseline | ratio | target | guard | pass | note |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---|---|");
        foreach (var r in results)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.Unit} | {Number(r.Figure)} | {Number(r.Baseline)} | {Number(r.Ratio)} | {Number(r.Target)} | {Number(r.Guard)} | {Pass(r)} | {r.Note.Replace("|", "/", StringComparison.Ordinal)} |"));
        }

        return text.ToString();
    }

    private static string Pass(ScenarioResult r) => r.Pass switch
    {
        null => "report",
        true => "yes",
        false => r.BelowGuard ? "**NO (below guard)**" : "no",
    };

    private static string Number(double? value) => value switch
    {
        null => "-",
        >= 100 => value.Value.ToString("#,0", CultureInfo.InvariantCulture),
        >= 1 => value.Value.ToString("0.##", CultureInfo.InvariantCulture),
        _ => value.Value.ToString("0.####", CultureInfo.InvariantCulture),
    };
}
