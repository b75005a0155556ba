namespace SecPlatform.Agent.Outbox;

/// <summary>TEST HOOK: where the sender stops, so a test can kill the agent at a known point of delivery.</summary>
public enum OutboxTestHold
{
    /// <summary>Deliver normally.</summary>
    None,

    /// <summary>Send nothing: findings and completions stay in the outbox, never acknowledged.</summary>
    BeforeSend,

    /// <summary>Send the batches once and take their acknowledgements, but delete nothing and send no completion
    /// (a crash between the server's commit and the local delete).</summary>
    AfterAck,
}
