namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>What adding or removing a static group's member did.</summary>
public enum MembershipOutcome
{
    /// <summary>Added, or removed.</summary>
    Changed,
    /// <summary>Already a member (add), or not a member (remove): nothing to do.</summary>
    Unchanged,
    GroupNotFound,
    AssetNotFound,
    /// <summary>The group is label-based: its members follow its selector.</summary>
    LabelBased,
}
