namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// Filters of a finding list. <see cref="CommandId"/> with <see cref="Attempt"/>: only the findings that
/// attempt of the command observed.
/// </summary>
public sealed record FindingQuery(string? TenantId = null, string? CommandId = null, int Attempt = 0);
