namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>At most <see cref="Limit"/> items after <see cref="After"/> (from the start when null).</summary>
public sealed record PageRequest(int Limit, PageCursor? After = null)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static PageRequest First(int limit = DefaultLimit) => new(limit);
}
