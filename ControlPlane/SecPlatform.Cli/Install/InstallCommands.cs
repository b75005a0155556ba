using System.Text;

namespace SecPlatform.Cli.Install;

/// <summary>
/// The ready-to-paste commands that enroll an agent with a new bootstrap token, one per OS.
/// Every value is quoted for its shell, so a label with spaces or quotes cannot break (or inject
/// into) the command. The token travels in <c>SECPLAT_TOKEN</c>, which the agent reads, so it is not
/// left in the agent's own command line. Linux and macOS share the POSIX form for now.
/// </summary>
public sealed record InstallCommands(string Linux, string Windows, string MacOs)
{
    public static InstallCommands Build(string token, Uri server, IReadOnlyDictionary<string, string> labels)
    {
        var registerArguments = new List<string> { "--server", server.OriginalString.TrimEnd('/') };
        foreach (var (key, value) in labels.OrderBy(label => label.Key, StringComparer.Ordinal))
        {
            registerArguments.Add("--label");
            registerArguments.Add($"{key}={value}");
        }

        var posix = $"sudo env SECPLAT_TOKEN={PosixQuote(token, always: true)} secplat-agent register "
            + string.Join(' ', registerArguments.Select(argument => PosixQuote(argument, always: false)))
            + " && sudo secplat-agent run";
        var windows = $"$env:SECPLAT_TOKEN={PowerShellQuote(token, always: true)}; secplat-agent.exe register "
            + string.Join(' ', registerArguments.Select(argument => PowerShellQuote(argument, always: false)))
            + "; secplat-agent.exe run";
        return new InstallCommands(posix, windows, posix);
    }

    /// <summary>Single quotes for sh/bash/zsh: nothing inside is special except the quote itself.</summary>
    public static string PosixQuote(string value, bool always) =>
        !always && IsPlain(value, PosixPlain) ? value : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Single quotes for PowerShell: nothing inside is special, a quote is doubled.</summary>
    public static string PowerShellQuote(string value, bool always) =>
        !always && IsPlain(value, PowerShellPlain) ? value : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    // Punctuation the shell gives no meaning to inside a word; PowerShell treats ',', '@' and '%'
    // specially in argument mode, so its set is smaller.
    private const string PosixPlain = "-_.,:/=@%+";
    private const string PowerShellPlain = "-_.:/=+";

    private static bool IsPlain(string value, string punctuation) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || punctuation.Contains(c));
}
