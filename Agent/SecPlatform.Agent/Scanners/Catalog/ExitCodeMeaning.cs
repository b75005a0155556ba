using System.Globalization;

namespace SecPlatform.Agent.Scanners.Catalog;

/// <summary>
/// What a scanner's exit codes mean. Codes in <see cref="Success"/> mean the scan ran (findings or not); codes in
/// <see cref="KnownFailures"/> are failures a retry cannot fix; any other code (a crash, a signal) is an
/// unexpected failure that a retry may get past.
/// </summary>
public sealed record ExitCodeMeaning(IReadOnlySet<int> Success, IReadOnlyDictionary<int, string> KnownFailures)
{
    public static ExitCodeMeaning ZeroOnly { get; } = new(new HashSet<int> { 0 }, new Dictionary<int, string>());

    public ExitVerdict Interpret(string scanner, int exitCode)
    {
        if (Success.Contains(exitCode))
        {
            return new ExitVerdict(true, null, false);
        }

        if (KnownFailures.TryGetValue(exitCode, out var meaning))
        {
            return new ExitVerdict(false, $"{scanner} exited with {exitCode.ToString(CultureInfo.InvariantCulture)}: {meaning}", false);
        }

        return new ExitVerdict(false, $"{scanner} exited with unexpected code {exitCode.ToString(CultureInfo.InvariantCulture)}", true);
    }
}
