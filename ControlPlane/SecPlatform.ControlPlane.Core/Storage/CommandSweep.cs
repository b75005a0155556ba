namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>What one sweep changed, by command id.</summary>
public sealed record CommandSweep(
    IReadOnlyList<string> Requeued,
    IReadOnlyList<string> FailedLeaseLost,
    IReadOnlyList<string> CanceledLeaseLost,
    IReadOnlyList<string> TimedOut,
    IReadOnlyList<string> Expired)
{
    public int Total => Requeued.Count + FailedLeaseLost.Count + CanceledLeaseLost.Count + TimedOut.Count + Expired.Count;
}
