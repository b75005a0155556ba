namespace SecPlatform.Agent.Outbox;

/// <summary>How a delivery round ended.</summary>
public enum DeliveryResult
{
    /// <summary>The outbox is empty.</summary>
    Empty,

    /// <summary>Everything that could go went; some completions wait (their findings are not all committed yet).</summary>
    Waiting,

    /// <summary>The control plane could not be reached (or the round failed): try again after a back-off.</summary>
    Failed,

    /// <summary>TEST HOOK: delivery is held.</summary>
    Held,
}
