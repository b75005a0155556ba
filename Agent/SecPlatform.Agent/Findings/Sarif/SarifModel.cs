using System.Text.Json;

namespace SecPlatform.Agent.Findings.Sarif;

// The part of SARIF 2.1.0 the agent reads (System.Text.Json; Sarif.Sdk does not restore here). Every member is
// optional: tools fill in different parts, and a missing member must not fail a whole result.

internal sealed record SarifTool(SarifToolComponent? Driver);

internal sealed record SarifToolComponent(string? Name, string? Version, IReadOnlyList<SarifRule>? Rules);

internal sealed record SarifRule(
    string? Id,
    string? Name,
    SarifText? ShortDescription,
    SarifText? FullDescription,
    SarifConfiguration? DefaultConfiguration,
    IReadOnlyList<SarifRelationship>? Relationships,
    SarifPropertyBag? Properties);

internal sealed record SarifConfiguration(string? Level);

internal sealed record SarifRelationship(SarifDescriptorReference? Target);

internal sealed record SarifDescriptorReference(string? Id, int? Index, SarifComponentReference? ToolComponent);

internal sealed record SarifComponentReference(string? Name);

internal sealed record SarifPropertyBag(IReadOnlyList<string>? Tags)
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

internal sealed record SarifText(string? Text, string? Id, IReadOnlyList<string>? Arguments);

internal sealed record SarifResult(
    string? RuleId,
    int? RuleIndex,
    SarifDescriptorReference? Rule,
    string? Level,
    SarifText? Message,
    IReadOnlyList<SarifLocation>? Locations,
    IReadOnlyDictionary<string, string>? Fingerprints,
    double? Rank,
    IReadOnlyList<SarifTaxon>? Taxa,
    SarifPropertyBag? Properties);

internal sealed record SarifTaxon(string? Id, SarifComponentReference? ToolComponent);

internal sealed record SarifLocation(SarifPhysicalLocation? PhysicalLocation);

internal sealed record SarifPhysicalLocation(SarifArtifactLocation? ArtifactLocation, SarifRegion? Region);

internal sealed record SarifArtifactLocation(string? Uri, string? UriBaseId);

internal sealed record SarifRegion(int? StartLine, int? StartColumn, int? EndLine, int? EndColumn, SarifText? Snippet);
