using SecPlatform.Cli.Output;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Watching;

/// <summary>For <c>--output json</c>: one command object per line (JSON Lines) for every change.</summary>
public sealed class JsonLinesWatchDisplay(OutputWriter output) : IWatchDisplay
{
    public void Show(IReadOnlyList<Command> commands, IReadOnlyList<Command> changed)
    {
        foreach (var command in changed)
        {
            output.WriteJsonLine(ProtoJsonConverter.ToJson(command));
        }
    }
}
