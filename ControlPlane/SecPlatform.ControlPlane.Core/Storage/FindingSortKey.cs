namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>One key of a finding sort, ascending or descending.</summary>
public sealed record FindingSortKey(FindingSortField Field, bool Descending);
