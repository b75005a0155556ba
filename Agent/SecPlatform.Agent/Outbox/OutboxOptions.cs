namespace SecPlatform.Agent.Outbox;

/// <summary>The findings outbox and its sender. Bound from configuration section <see cref="Section"/>,
/// e.g. env <c>SecPlatform__Agent__Outbox__MaxPendingFindings=50000</c>.</summary>
public sealed class OutboxOptions
{
    public const string Section = "SecPlatform:Agent:Outbox";

    /// <summary>The control plane takes at most 1000 findings per batch.</summary>
    public const int ServerMaxBatchFindings = 1000;

    /// <summary>Findings per streamed batch, at most.</summary>
    public int MaxBatchFindings { get; set; } = 500;

    /// <summary>Serialized bytes per streamed batch, at most (a single larger finding still goes alone).</summary>
    public int MaxBatchBytes { get; set; } = 1024 * 1024;

    /// <summary>When this many findings wait in the outbox, the agent takes no new work (it never drops findings).</summary>
    public long MaxPendingFindings { get; set; } = 50_000;

    /// <summary>When this many serialized bytes of findings wait in the outbox, the agent takes no new work.</summary>
    public long MaxPendingBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Deadline of one CompleteCommand call, and of one batch's acknowledgement on the stream.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deadline of one StreamFindings call (a delivery round opens one).</summary>
    public TimeSpan StreamTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the first lease acquire waits for the outbox's first delivery attempt at start.</summary>
    public TimeSpan InitialDeliveryTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a graceful stop spends delivering what is left before the lease is released.</summary>
    public TimeSpan FlushTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First back-off ceiling after a failed delivery round; it doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>No retry comes sooner than this, whatever the jitter draws.</summary>
    public TimeSpan MinimumBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>TEST HOOK: hold deliveries to simulate a crash at a chosen point. Never set it in production.</summary>
    public OutboxTestHold TestHold { get; set; } = OutboxTestHold.None;
}
