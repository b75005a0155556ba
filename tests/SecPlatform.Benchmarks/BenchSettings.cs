namespace SecPlatform.Benchmarks;

/// <summary>The sizes of a run: quick (the CI guard, under 3 minutes of running) or full (the real sizes).</summary>
internal sealed record BenchSettings(bool Quick)
{
    /// <summary>Closed-loop runs: warm-up, then the measuring window (seconds).</summary>
    public double Warmup => Quick ? 1 : 2;

    public double Duration => Quick ? 3 : 15;

    /// <summary>Queued commands seeded per closed-loop claim run (a run that empties it ends its window there).</summary>
    public int Backlog => Quick ? 20_000 : 60_000;

    public int BatchBacklog => Quick ? 150_000 : 200_000;

    /// <summary>Raw baselines use this many connections (the 8).</summary>
    public int RawConnections => 8;

    // Lease renewals: the swarm. Quick keeps the offered renewals (2,000/s) with a twentieth of the agents renewing
    // twenty times as often, and polls of 2 s (500 polls ending per second, against 667 in the full swarm).
    public int SwarmAgents => Quick ? 1_000 : 20_000;

    public double RenewIntervalSeconds => Quick ? 0.5 : 10;

    public int PollWaitSeconds => Quick ? 2 : 30;

    /// <summary>One renewal round and one whole long poll, so every agent renewed and has a poll open before the window.</summary>
    public double SwarmWarmup => RenewIntervalSeconds + PollWaitSeconds;

    public double SwarmWindow => Quick ? 8 : 60;

    public double SwarmClaimsPerSecond => 500;

    public const double RenewalRateTarget = 2_000;

    public const double RenewalP99TargetMs = 50;

    // Findings ingest.
    public int IngestStreams => 4;

    public int IngestBatch => 500;

    // Dispatch latency.
    public int DispatchIdleAgents => Quick ? 50 : 200;

    public int DispatchCommands => Quick ? 60 : 300;

    // Registration: the open loop, the same in both modes.
    public double RegistrationRate => 1_000;

    public double RegistrationSeconds => 2;

    // LiteDB.
    public int LiteBacklog => Quick ? 1_500 : 6_000;

    // Agent idle.
    public double AgentIdleWarmup => Quick ? 5 : 15;

    public double AgentIdleWindow => Quick ? 8 : 60;
}
