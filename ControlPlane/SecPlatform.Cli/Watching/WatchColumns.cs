using System.Globalization;
using SecPlatform.Cli.Output;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Watching;

/// <summary>What a watch shows for each command, in table mode: id, scanner, status, attempt, progress, message.</summary>
public static class WatchColumns
{
    public static IReadOnlyList<TableColumn<Command>> All { get; } =
    [
        new("ID", command => command.Id),
        new("SCANNER", command => command.Scanner),
        new("STATUS", command => CellFormat.Word(command.Status)),
        new("ATTEMPT", Attempt),
        new("PROGRESS", Progress),
        new("MESSAGE", Message),
    ];

    public static string Attempt(Command command) =>
        string.Create(CultureInfo.InvariantCulture, $"{command.Attempt}/{command.MaxAttempts}");

    /// <summary>The percent while running, or once the agent reported any; nothing before.</summary>
    public static string? Progress(Command command) =>
        command.Status == CommandStatus.Running || command.ProgressPercent > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{command.ProgressPercent}%")
            : null;

    /// <summary>What is happening: the agent's progress message while unfinished, why it ended once finished.</summary>
    public static string? Message(Command command) => CommandStatuses.IsTerminal(command.Status)
        ? FirstSet(command.StatusReason, command.Error, command.Summary)
        : FirstSet(command.ProgressMessage, command.CancelRequested ? "cancel requested" : null, command.StatusReason);

    private static string? FirstSet(params string?[] values) => values.FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));
}
