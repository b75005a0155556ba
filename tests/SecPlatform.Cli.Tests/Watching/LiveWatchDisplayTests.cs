using SecPlatform.Cli.Watching;
using SecPlatform.Contracts.Admin.V1;

namespace SecPlatform.Cli.Tests.Watching;

public sealed class LiveWatchDisplayTests
{
    private const string LineStart = "\r\u001b[2K";

    [Fact]
    public void Show_FirstTime_DrawsHeaderAndRowsWithoutMovingUp()
    {
        using var output = new StringWriter();
        var display = new LiveWatchDisplay(output, () => null);

        Show(display, Command(CommandStatus.Queued));

        var lines = Lines(output);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, line => Assert.StartsWith(LineStart, line));
        Assert.StartsWith(LineStart + "ID", lines[0]);
        Assert.Contains("queued", lines[1]);
    }

    [Fact]
    public void Show_Again_MovesUpOverWhatItDrewAndRedraws()
    {
        using var output = new StringWriter();
        var display = new LiveWatchDisplay(output, () => null);
        Show(display, Command(CommandStatus.Queued));
        output.GetStringBuilder().Clear();

        Show(display, Command(CommandStatus.Running, percent: 40, message: "scanning"));

        var text = output.ToString();
        Assert.StartsWith("\u001b[2A" + LineStart + "ID", text);
        Assert.Contains("running  1/3      40%       scanning", text);
    }

    [Fact]
    public void Show_NarrowTerminal_CutsLinesShortOfTheWidth()
    {
        using var output = new StringWriter();
        var display = new LiveWatchDisplay(output, () => 30);

        Show(display, Command(CommandStatus.Running, percent: 40, message: "a long progress message that would wrap"));

        Assert.All(Lines(output), line => Assert.Equal(29, line[LineStart.Length..].Length));
    }

    private static void Show(LiveWatchDisplay display, Command command) => display.Show([command], [command]);

    private static string[] Lines(StringWriter output) => output.ToString().Split(output.NewLine, StringSplitOptions.RemoveEmptyEntries);

    private static Command Command(CommandStatus status, int percent = 0, string message = "") => new()
    {
        Id = "cmd-1",
        Scanner = "shellcheck",
        Status = status,
        Attempt = status == CommandStatus.Queued ? 0 : 1,
        MaxAttempts = 3,
        ProgressPercent = percent,
        ProgressMessage = message,
    };
}
