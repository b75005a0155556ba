namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>At most <see cref="Limit"/> findings in <see cref="Sort"/> order, after <see cref="After"/> (from the start when null).</summary>
public sealed record FindingPage(int Limit, FindingSort Sort, FindingCursor? After = null)
{
    public static FindingPage First(FindingSort sort, int limit = PageRequest.DefaultLimit) => new(limit, sort);
}
