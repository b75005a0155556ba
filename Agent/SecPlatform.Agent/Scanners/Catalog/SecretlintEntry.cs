using System.Text;
using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Findings.Sarif;
using SecPlatform.Contracts.Scanners;

namespace SecPlatform.Agent.Scanners.Catalog;

/// <summary>
/// secretlint 12 with the recommended preset and the SARIF formatter, run in the target directory:
/// <c>secretlint --secretlintrcJSON {preset} --format @secretlint/secretlint-formatter-sarif -- "**/*"</c>.
/// The configuration is given inline so a <c>.secretlintrc</c> in the scanned tree is not used; SARIF is read because
/// the JSON format carries every file's unmasked content (<c>sourceContent</c>), which must never leave the agent;
/// stdout is read rather than <c>--output</c> (which makes it exit 0 with findings). SARIF URIs are relative to the
/// working directory. A file target runs in its directory with its name, glob characters escaped, as the pattern.
/// Exit codes: 0 clean, 1 findings, 2 fatal (also "no file matched": a directory without files is skipped instead).
/// </summary>
public sealed class SecretlintEntry : ScannerEntry
{
    public const string Configuration = """{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}""";
    public const string SarifFormatter = "@secretlint/secretlint-formatter-sarif";

    public override ScannerSpec Spec { get; } = ScannerCatalog.Find(SupportedScanners.Secretlint)!;

    public override string Executable => "secretlint";

    public override ScannerVersionProbe Probe => SupportedScanners.Probes.Single(p => p.ScannerId == SupportedScanners.Secretlint);

    public override ExitCodeMeaning ExitCodes { get; } = new(
        new HashSet<int> { 0, 1 },
        new Dictionary<int, string> { [2] = "fatal error (bad configuration, or no file matched)" });

    public override ScanPlan Plan(ScanTarget target)
    {
        string pattern;
        if (target.IsDirectory)
        {
            if (!HasAnyFile(target.Path!))
            {
                return ScanPlan.Skip($"no files under {target.Path}");
            }

            pattern = "**/*";
        }
        else
        {
            var name = Path.GetFileName(target.Path!);
            if (name.Contains('\\'))
            {
                return ScanPlan.Refuse("secretlint cannot be given a file whose name contains '\\' (it is a glob escape); scan its directory instead");
            }

            pattern = EscapeGlob(name);
        }

        return ScanPlan.Run(["--secretlintrcJSON", Configuration, "--format", SarifFormatter, "--", pattern], target.Directory!);
    }

    public override IScanOutputParser CreateParser(ScanTarget target) => SarifParser.Secretlint;

    /// <summary>Escapes fast-glob's special characters so a file name matches only itself.</summary>
    public static string EscapeGlob(string name)
    {
        var escaped = new StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            if (c is '*' or '?' or '[' or ']' or '{' or '}' or '(' or ')' or '!' or '@' or '+')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    private static bool HasAnyFile(string directory)
    {
        try
        {
            return Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, MaxRecursionDepth = 64 }).Any();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Let secretlint say what is wrong.
            return true;
        }
    }
}
