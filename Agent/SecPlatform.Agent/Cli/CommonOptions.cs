using System.CommandLine;
using SecPlatform.Agent.Hosting;
using SecPlatform.Agent.State;

namespace SecPlatform.Agent.Cli;

/// <summary>Options several verbs share.</summary>
public static class CommonOptions
{
    public static Option<string?> StateDirectory() => new("--state-dir")
    {
        Description = $"Directory of the agent's local state (default: ${State.StateDirectory.EnvironmentVariable}, else the OS default)",
    };

    public static string ResolveStateDirectory(ParseResult parseResult, Option<string?> option, AgentRuntime runtime) =>
        State.StateDirectory.Resolve(parseResult.GetValue(option), runtime.GetEnvironmentVariable, runtime.Platform);

    /// <summary>Opens existing state; a machine without any is not registered (exit 5).</summary>
    public static AgentStateStore OpenRegisteredStore(string stateDirectory, AgentRuntime runtime, out AgentIdentity identity)
    {
        var store = AgentStateStore.OpenExisting(stateDirectory, runtime.Platform) ?? throw NotRegistered(stateDirectory);
        try
        {
            identity = store.GetIdentity() ?? throw NotRegistered(stateDirectory);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    public static AgentCliException NotRegistered(string stateDirectory) =>
        new(AgentExitCode.NotRegistered, $"this agent is not registered (no identity in {stateDirectory}); run 'secplat-agent register' first");
}
