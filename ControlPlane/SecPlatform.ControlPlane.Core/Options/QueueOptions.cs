using System.ComponentModel.DataAnnotations;

namespace SecPlatform.ControlPlane.Core.Options;

/// <summary>The command queue (section <c>Queue</c>).</summary>
public sealed class QueueOptions
{
    public const string Section = "Queue";

    /// <summary>The longest a PullCommands long poll waits.</summary>
    [Range(0, 30)]
    public int MaxWaitSeconds { get; set; } = 30;

    /// <summary>First back-off before a retryable failure runs again; doubles per attempt.</summary>
    [Range(0, 3600)]
    public int RetryBackoffSeconds { get; set; } = 10;

    [Range(0, 86400)]
    public int MaxRetryBackoffSeconds { get; set; } = 300;

    /// <summary>How long after it finished a timed-out command is still named to its agent as one to stop.</summary>
    [Range(1, 86400)]
    public int StopNoticeSeconds { get; set; } = 600;

    public TimeSpan RetryDelay(int attempt) =>
        TimeSpan.FromSeconds(Math.Min(MaxRetryBackoffSeconds, RetryBackoffSeconds * Math.Pow(2, Math.Max(0, attempt - 1))));
}
