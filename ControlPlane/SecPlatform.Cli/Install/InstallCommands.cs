namespace SecPlatform.Cli.Install;

/// <summary>
/// The ready-to-paste commands that enroll an agent with a new bootstrap token, one per OS.
/// <para>Over https with a pin (<see cref="Pinned"/> true): each one writes the token to a private file with a shell builtin (so it
/// never shows in a process list), fetches the OS's installer from the control plane's <c>/downloads/</c> with
/// <c>curl --pinnedpubkey</c> (the pin is the trust, so <c>-k</c> only skips the CA check) and runs it with the server, the pin
/// and the token file. The installer is saved to a file and run only if curl succeeded: with <c>curl | sh</c> a wrong pin
/// would end in an empty script and exit status 0, so the paste would look as if it had worked (and on Windows, where
/// Windows PowerShell 5.1 has no <c>&amp;&amp;</c>, <c>$LASTEXITCODE</c> keeps a stale script from an earlier run from running). The token's labels come with the token, so they are not repeated.</para>
/// <para>Over plain http (a loopback control plane for development): the <c>secplat-agent register</c> line, with the token in
/// <c>SECPLAT_TOKEN</c> and the token's labels.</para>
/// Every value is quoted for its shell, so nothing in it can break (or inject into) the command.
/// </summary>
public sealed record InstallCommands(string Linux, string Windows, string MacOs, bool Pinned)
{
    /// <summary>What is printed under plain-http commands.</summary>
    public const string PlainHttpNote =
        "The control plane serves plain http on loopback: these commands work on this machine only. Agents on other machines need it on https (see README, \"TLS and the server pin\").";

    /// <param name="serverUrl">The control plane's public base URL.</param>
    /// <param name="pin">The pin of its TLS key; null for plain http.</param>
    public static InstallCommands Build(string token, string serverUrl, string? pin, IReadOnlyDictionary<string, string> labels)
    {
        var server = serverUrl.TrimEnd('/');
        return pin is null ? PlainRegister(token, server, labels) : PinnedInstall(token, server, pin);
    }

    private static InstallCommands PinnedInstall(string token, string server, string pin)
    {
        string Posix(string installer) =>
            $"(umask 077; printf '%s\\n' {PosixQuote(token, always: true)} > ./secplat.token) && curl -fsS --pinnedpubkey {PosixQuote(pin, always: true)} -k "
            + $"-o ./{installer} {PosixQuote($"{server}/downloads/{installer}", always: true)} && sudo sh ./{installer} --server {PosixQuote(server, always: true)} "
            + $"--pin {PosixQuote(pin, always: true)} --token-file \"$PWD/secplat.token\"";

        var windows =
            $"Set-Content -Path \"$env:TEMP\\secplat.token\" -Value {PowerShellQuote(token, always: true)}; "
            + $"curl.exe -fsS --pinnedpubkey {PowerShellQuote(pin, always: true)} -k -o \"$env:TEMP\\install-windows.ps1\" "
            + $"{PowerShellQuote($"{server}/downloads/install-windows.ps1", always: true)}; "
            + $"if ($LASTEXITCODE -eq 0) {{ & \"$env:TEMP\\install-windows.ps1\" -Server {PowerShellQuote(server, always: true)} -Pin {PowerShellQuote(pin, always: true)} "
            + "-TokenFile \"$env:TEMP\\secplat.token\" }";
        return new InstallCommands(Posix("install-linux.sh"), windows, Posix("install-macos.sh"), Pinned: true);
    }

    private static InstallCommands PlainRegister(string token, string server, IReadOnlyDictionary<string, string> labels)
    {
        var registerArguments = new List<string> { "--server", server };
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
        return new InstallCommands(posix, windows, posix, Pinned: false);
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
