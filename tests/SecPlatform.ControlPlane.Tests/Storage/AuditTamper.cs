namespace SecPlatform.ControlPlane.Tests.Storage;

/// <summary>Ways a test damages the stored audit chain directly in the database, behind the store's back.</summary>
public enum AuditTamperKind
{
    /// <summary>Change the detail of row <c>Sequence</c>, keeping its hash.</summary>
    EditRow,
    /// <summary>Delete row <c>Sequence</c>.</summary>
    DeleteRow,
    /// <summary>Swap the contents of rows <c>Sequence</c> and <c>Sequence + 1</c> (each keeps its sequence number).</summary>
    SwapWithNext,
    /// <summary>Delete every row from <c>Sequence</c> on, and leave the head untouched.</summary>
    CutTailFrom,
}

public sealed record AuditTamper(AuditTamperKind Kind, long Sequence);
