namespace SecPlatform.Agent.Findings;

/// <summary>What a finding is about. File assets (<see cref="Path"/>) belong to the agent's host.</summary>
public enum AssetKind
{
    Host,
    Ip,
    Url,
    Repository,
    Path,
}
