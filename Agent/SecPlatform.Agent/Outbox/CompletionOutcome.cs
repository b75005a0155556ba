namespace SecPlatform.Agent.Outbox;

/// <summary>How an attempt ended, as <c>CompleteCommand</c> reports it.</summary>
public enum CompletionOutcome
{
    Succeeded,
    Failed,
    Canceled,
}
