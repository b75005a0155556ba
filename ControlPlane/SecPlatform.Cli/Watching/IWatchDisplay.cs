using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Watching;

/// <summary>How <see cref="CommandWatcher"/> shows what it sees; called only when something changed.</summary>
public interface IWatchDisplay
{
    /// <param name="commands">Every watched command as last seen, in the order the ids were given.</param>
    /// <param name="changed">Those that are new or changed since the previous call (all of them the first time).</param>
    void Show(IReadOnlyList<Command> commands, IReadOnlyList<Command> changed);
}
