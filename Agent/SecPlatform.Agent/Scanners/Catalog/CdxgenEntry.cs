using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Findings.Parsers;
using SecPlatform.Contracts.Scanners;

namespace SecPlatform.Agent.Scanners.Catalog;

/// <summary>
/// cdxgen 12 (npm <c>@cyclonedx/cdxgen</c>): a CycloneDX SBOM of a project directory, read from the lock files and
/// manifests that are there: <c>cdxgen --no-install-deps -o OUTFILE DIRECTORY</c>. <c>--no-install-deps</c> is
/// essential: without it cdxgen runs the project's package manager (npm install, pip, mvn), which executes the
/// project's own scripts. The SBOM goes to a file of the agent's choosing, because cdxgen prints banners and
/// tables on stdout; the runner parses the file and deletes it. Exit codes: 0 an SBOM was written (also for a
/// directory with nothing it recognises: an empty SBOM, and a complete run with no components); 1 failure (e.g.
/// the generated document failed cdxgen's own schema validation: no SBOM). A file target is refused: cdxgen reads a
/// directory's manifests.
/// </summary>
public sealed class CdxgenEntry(string temporaryDirectory) : ScannerEntry
{
    public override ScannerSpec Spec { get; } = ScannerCatalog.Find(SupportedScanners.Cdxgen)!;

    public override string Executable => "cdxgen";

    public override ScannerVersionProbe Probe => SupportedScanners.Probes.Single(p => p.ScannerId == SupportedScanners.Cdxgen);

    public override ExitCodeMeaning ExitCodes { get; } = new(
        new HashSet<int> { 0 },
        new Dictionary<int, string> { [1] = "cdxgen failed (no SBOM, or one that failed its validation)" });

    public override ScanPlan Plan(ScanTarget target)
    {
        if (!target.IsDirectory)
        {
            return ScanPlan.Refuse("cdxgen scans a project directory, not a single file: give the directory that holds package.json (or another manifest)");
        }

        var outputFile = Path.Combine(temporaryDirectory, $"secplat-cdxgen-{Guid.NewGuid():N}.json");
        return ScanPlan.RunToFile(["--no-install-deps", "-o", outputFile, target.Path!], target.Path!, outputFile);
    }

    public override IScanOutputParser CreateParser(ScanTarget target) => CycloneDxParser.Instance;
}
