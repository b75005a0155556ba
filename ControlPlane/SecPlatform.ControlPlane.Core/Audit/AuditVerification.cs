namespace SecPlatform.ControlPlane.Core.Audit;

/// <summary>The result of walking the audit chain: valid rows counted, and the first broken link if any.</summary>
public sealed record AuditVerification(bool Ok, long Count, string HeadHash, long FirstBrokenSequence, string Problem)
{
    public static AuditVerification Broken(long validCount, string lastGoodHash, long firstBroken, string problem) =>
        new(false, validCount, lastGoodHash, firstBroken, problem);
}
