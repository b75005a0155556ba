using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;

namespace SecPlatform.Contracts.Admin.V1;

/// <summary>
/// The finding filters that ListFindings, SummarizeFindings and ExportFindings share, with the same field names and
/// numbers, so the server maps all three to one query in one place, and the CLI fills all three from one set of
/// options.
/// </summary>
public interface IFindingFilterRequest
{
    string Tenant { get; set; }
    string CommandId { get; set; }
    RepeatedField<string> Statuses { get; }
    RepeatedField<FindingSeverity> Severities { get; }
    string Scanner { get; set; }
    string RuleId { get; set; }
    Timestamp Since { get; set; }
    string Asset { get; set; }
    string Group { get; set; }
    string Cve { get; set; }
}

public sealed partial class ListFindingsRequest : IFindingFilterRequest;

public sealed partial class SummarizeFindingsRequest : IFindingFilterRequest;

public sealed partial class ExportFindingsRequest : IFindingFilterRequest;
