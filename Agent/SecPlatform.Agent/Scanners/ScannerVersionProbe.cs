namespace SecPlatform.Agent.Scanners;

/// <summary>
/// How to tell whether a scanner is installed: the executable to look for on PATH, the arguments that
/// make it print its version, and how to read the version from what it printed.
/// </summary>
public sealed record ScannerVersionProbe(
    string ScannerId,
    string Executable,
    IReadOnlyList<string> Arguments,
    Func<string, string?> ParseVersion);
