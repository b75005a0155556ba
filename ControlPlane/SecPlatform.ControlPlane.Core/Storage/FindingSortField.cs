namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>What a finding list can be sorted by (the finding id always breaks ties).</summary>
public enum FindingSortField
{
    FirstSeen,
    LastSeen,
    /// <summary>By rank: info &lt; low &lt; medium &lt; high &lt; critical.</summary>
    Severity,
    Occurrences,
    /// <summary>By the status word, in byte order.</summary>
    Status,
    /// <summary>By the rule id, in byte order.</summary>
    Rule,
    /// <summary>By the scanner id, in byte order.</summary>
    Scanner,
}
