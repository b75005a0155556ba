using System.Text.Json;

namespace SecPlatform.Agent.Findings.Parsers;

/// <summary>
/// A CycloneDX JSON SBOM (cdxgen's output file): <c>bomFormat</c> must be <c>CycloneDX</c>; every entry of
/// <c>components[]</c>, nested <c>components</c> included, becomes a component (name, version, purl, type; an npm
/// scope or Maven group goes in front of the name, <c>group/name</c>) on the scanned directory's path asset. The
/// project itself (<c>metadata.component</c>) is not a component of itself and is left out. One component per purl,
/// or per name@version without a purl. Text is cleaned and bounded like finding text; at most
/// <see cref="MaxComponents"/> are kept (then the parse is partial, so the run replaces nothing). No findings.
/// </summary>
public sealed class CycloneDxParser : IScanOutputParser
{
    public const int MaxComponents = 50_000;
    public const int MaxFieldChars = 1000;

    public static CycloneDxParser Instance { get; } = new();

    public ParsedOutput Parse(ReadOnlyMemory<byte> output, bool truncated, ParseContext context)
    {
        if (output.IsEmpty)
        {
            return ParsedOutput.Failed("no SBOM was written");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(output, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            return ParsedOutput.Failed(truncated ? "the SBOM was cut at the size cap" : $"the SBOM is not valid JSON ({e.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("bomFormat", out var format)
                || format.ValueKind != JsonValueKind.String || format.GetString() != "CycloneDX")
            {
                return ParsedOutput.Failed("the output is not a CycloneDX document (bomFormat)");
            }

            var asset = FindingAsset.File(context.AgentHost, Path.GetFullPath(context.WorkingDirectory));
            var components = new List<ScannedComponent>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var full = false;
            if (root.TryGetProperty("components", out var list))
            {
                full = !Collect(list, asset, components, seen);
            }

            var status = truncated || full ? ParseStatus.Partial : ParseStatus.Complete;
            var problem = full ? $"more than {MaxComponents} components; the rest were dropped" : null;
            return new ParsedOutput(status, [], problem, Components: components);
        }
    }

    /// <summary>The component key the control plane identifies a component by on its asset.</summary>
    public static string KeyOf(string name, string version, string purl) => purl.Length > 0 ? purl : $"{name}@{version}";

    // False once the cap is reached.
    private static bool Collect(JsonElement list, FindingAsset asset, List<ScannedComponent> components, HashSet<string> seen)
    {
        if (list.ValueKind != JsonValueKind.Array)
        {
            return true;
        }

        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var name = Text(item, "name");
            if (name.Length > 0)
            {
                var group = Text(item, "group");
                var fullName = group.Length > 0 ? $"{group}/{name}" : name;
                var version = Text(item, "version");
                var purl = Text(item, "purl");
                if (seen.Add(KeyOf(fullName, version, purl)))
                {
                    if (components.Count >= MaxComponents)
                    {
                        return false;
                    }

                    components.Add(new ScannedComponent(fullName, version, purl, Text(item, "type"), asset));
                }
            }

            if (item.TryGetProperty("components", out var nested) && !Collect(nested, asset, components, seen))
            {
                return false;
            }
        }

        return true;
    }

    private static string Text(JsonElement item, string property) =>
        item.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? FindingText.Clean(value.GetString(), MaxFieldChars, mask: false)
            : "";
}
