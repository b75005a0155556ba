using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Findings.Parsers;
using SecPlatform.Contracts.Scanners;

namespace SecPlatform.Agent.Scanners.Catalog;

/// <summary>
/// bandit 1.6: <c>bandit -r -f json -q --ini NULL -- PATH</c>. <c>--ini</c> pointed at the null device stops a
/// <c>.bandit</c> file in the scanned tree from skipping tests (bandit warns on stderr that it holds no section).
/// Exit codes: 0 clean, 1 findings, 2 usage; a missing path exits 0 with an error in <c>errors[]</c>, which the parser
/// turns into a failure.
/// </summary>
public sealed class BanditEntry(string nullDevice) : ScannerEntry
{
    public override ScannerSpec Spec { get; } = ScannerCatalog.Find(SupportedScanners.Bandit)!;

    public override string Executable => "bandit";

    public override ScannerVersionProbe Probe => SupportedScanners.Probes.Single(p => p.ScannerId == SupportedScanners.Bandit);

    public override ExitCodeMeaning ExitCodes { get; } = new(
        new HashSet<int> { 0, 1 },
        new Dictionary<int, string> { [2] = "usage error (an agent bug)" });

    public override ScanPlan Plan(ScanTarget target) =>
        ScanPlan.Run(["-r", "-f", "json", "-q", "--ini", nullDevice, "--", target.Path!], target.Directory!);

    public override IScanOutputParser CreateParser(ScanTarget target) => new BanditParser(target.Path);
}
