using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Watching;

/// <summary>Which command statuses are final: a command in one of them never changes again.</summary>
public static class CommandStatuses
{
    public static bool IsTerminal(CommandStatus status) => status
        is CommandStatus.Succeeded
        or CommandStatus.Failed
        or CommandStatus.Canceled
        or CommandStatus.Expired;
}
