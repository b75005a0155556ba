namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// Whose rows the current call may touch: one tenant, or the platform (every tenant, and the rows of no tenant).
/// Stores that enforce it in the database (PostgreSQL row-level security) read it for every transaction; the
/// application checks stay the first wall. The API starts each call with no context (<see cref="BeginCall"/>) and
/// sets it once it knows the caller; only the paths that must span tenants use <see cref="Platform"/>.
/// </summary>
public sealed class TenantContext
{
    // A mutable box, so a context set deep in an awaited method (the authenticator) is seen by the rest of the call.
    // The box is shared by everything the call awaits: parallel branches of one call must not Enter different contexts.
    private static readonly AsyncLocal<Box?> Ambient = new();

    private TenantContext(string? tenantId) => TenantId = tenantId;

    /// <summary>Every tenant's rows and the rows of no tenant: dispatch for platform agents, the reaper, platform admins.</summary>
    public static TenantContext Platform { get; } = new(null);

    /// <summary>The tenant, or null for the platform context.</summary>
    public string? TenantId { get; }

    public bool IsPlatform => TenantId is null;

    /// <summary>The context of the current call, or null when none was set (a store then sees no tenant's rows).</summary>
    public static TenantContext? Current => Ambient.Value?.Context;

    public static TenantContext Of(string tenantId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        return new TenantContext(tenantId);
    }

    /// <summary>A caller bound to <paramref name="tenantId"/>, or one bound to no tenant (the platform).</summary>
    public static TenantContext ForCaller(string? tenantId) => tenantId is null ? Platform : Of(tenantId);

    /// <summary>Starts a call with no context; what <see cref="Use"/> sets later is seen by the whole call.</summary>
    public static void BeginCall() => Ambient.Value = new Box();

    /// <summary>Sets the context for the rest of the call (null: none).</summary>
    public static void Use(TenantContext? context)
    {
        if (Ambient.Value is { } box)
        {
            box.Context = context;
        }
        else
        {
            Ambient.Value = new Box { Context = context };
        }
    }

    /// <summary>Sets the context until the returned scope is disposed, then restores the previous one.</summary>
    public static IDisposable Enter(TenantContext? context)
    {
        var previous = Current;
        Use(context);
        return new Restore(previous);
    }

    public override string ToString() => TenantId is null ? "platform" : $"tenant {TenantId}";

    private sealed class Box
    {
        public TenantContext? Context { get; set; }
    }

    private sealed class Restore(TenantContext? previous) : IDisposable
    {
        public void Dispose() => Use(previous);
    }
}
