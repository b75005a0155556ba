using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// Filters of a finding list. <see cref="CommandId"/> with <see cref="Attempt"/>: only the findings that
/// attempt of the command observed. <see cref="Statuses"/> and <see cref="Severities"/>: any of them (empty or
/// null: all). <see cref="Since"/>: last seen at or after it. <see cref="AssetId"/>: on that asset; <see cref="GroupId"/>: on
/// a member of that asset group (a label-based group's members as they are now); <see cref="Cve"/>: naming that
/// vulnerability id (normalized, see <see cref="VulnerabilityIds"/>).
/// </summary>
public sealed record FindingQuery(
    string? TenantId = null,
    string? CommandId = null,
    int Attempt = 0,
    IReadOnlyList<string>? Statuses = null,
    IReadOnlyList<Severity>? Severities = null,
    string? Scanner = null,
    string? RuleId = null,
    DateTimeOffset? Since = null,
    string? AssetId = null,
    string? GroupId = null,
    string? Cve = null)
{
    /// <summary>Whether any filter besides the tenant and the command is set.</summary>
    public bool HasFieldFilters =>
        Statuses is { Count: > 0 } || Severities is { Count: > 0 } || Scanner is not null || RuleId is not null || Since is not null
        || AssetId is not null || GroupId is not null || Cve is not null;

    /// <summary>
    /// Whether a finding passes the field filters that its own fields decide (for stores that filter in memory);
    /// <see cref="GroupId"/> and <see cref="Cve"/> need the store's data and are not checked here.
    /// </summary>
    public bool Matches(Finding finding) =>
        (Statuses is not { Count: > 0 } || Statuses.Contains(finding.Status))
        && (Severities is not { Count: > 0 } || Severities.Contains(finding.Observed.Severity))
        && (Scanner is null || finding.Observed.Scanner == Scanner)
        && (RuleId is null || finding.Observed.RuleId == RuleId)
        && (Since is null || finding.LastSeen >= Since)
        && (AssetId is null || finding.AssetId == AssetId);
}
