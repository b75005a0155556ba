using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Watching;

/// <summary>Where a watch stands: each id with its command as last seen (null before the first answer).</summary>
public sealed record WatchResult(IReadOnlyList<string> Ids, IReadOnlyList<Command?> Latest, bool TimedOut)
{
    /// <summary>The commands seen so far, in the order the ids were given.</summary>
    public IReadOnlyList<Command> Commands => Latest.OfType<Command>().ToList();

    public bool AllFinished => Latest.All(command => command is not null && CommandStatuses.IsTerminal(command.Status));

    /// <summary>The ids not (yet) in a terminal status, with their last seen status (null when never read).</summary>
    public IReadOnlyList<(string Id, CommandStatus? Status)> Unfinished => Ids
        .Select((id, index) => (Id: id, Command: Latest[index]))
        .Where(entry => entry.Command is null || !CommandStatuses.IsTerminal(entry.Command.Status))
        .Select(entry => (entry.Id, entry.Command?.Status))
        .ToList();

    /// <summary>The commands that finished in any terminal status but succeeded.</summary>
    public IReadOnlyList<Command> Unsuccessful => Commands
        .Where(command => CommandStatuses.IsTerminal(command.Status) && command.Status != CommandStatus.Succeeded)
        .ToList();
}
