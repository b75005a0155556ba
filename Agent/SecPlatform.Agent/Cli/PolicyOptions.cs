using System.CommandLine;
using SecPlatform.Agent.Policy;
using SecPlatform.Contracts.Scanners;

namespace SecPlatform.Agent.Cli;

/// <summary>The local policy options, shared by <c>register</c> and <c>policy set</c>.</summary>
public sealed class PolicyOptions
{
    public Option<string[]> Paths { get; } = new("--allow-path")
    {
        Description = "A directory (or file) scanners may read, with everything under it (repeatable; default: none)",
    };

    public Option<string[]> Networks { get; } = new("--allow-cidr")
    {
        Description = "A network scanners may probe, as CIDR[:ports], e.g. 127.0.0.0/8 or 10.0.0.5/32:22,443,8000-8100 (repeatable; default: none)",
    };

    public Option<string[]> Scanners { get; } = new("--allow-scanner")
    {
        Description = $"A scanner that may run: {string.Join(", ", ScannerCatalog.All.Select(s => s.Id))} (repeatable; default: every installed one)",
    };

    public IEnumerable<Option> All => [Paths, Networks, Scanners];

    /// <summary>True when the command line names any policy option.</summary>
    public bool AnyGiven(ParseResult parseResult) => All.Any(option => parseResult.GetResult(option) is not null);

    /// <summary>The policy the options describe (unnamed parts allow nothing, scanners default to every installed one).</summary>
    public AgentPolicy Parse(ParseResult parseResult)
    {
        try
        {
            return AgentPolicy.Create(
                parseResult.GetValue(Paths) ?? [],
                parseResult.GetValue(Networks) ?? [],
                parseResult.GetValue(Scanners),
                ScannerCatalog.All.Select(s => s.Id));
        }
        catch (AgentPolicyException e)
        {
            throw new AgentCliException(AgentExitCode.Usage, e.Message);
        }
    }
}
