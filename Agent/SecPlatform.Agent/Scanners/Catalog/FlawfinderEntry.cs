using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Findings.Sarif;
using SecPlatform.Contracts.Scanners;

namespace SecPlatform.Agent.Scanners.Catalog;

/// <summary>
/// flawfinder 2.0: <c>flawfinder --sarif -- PATH</c> (a file or a directory it walks itself, not following
/// symbolic links). With <c>--sarif</c> it always exits 0: any other code is a crash.
/// </summary>
public sealed class FlawfinderEntry : ScannerEntry
{
    public override ScannerSpec Spec { get; } = ScannerCatalog.Find(SupportedScanners.Flawfinder)!;

    public override string Executable => "flawfinder";

    public override ScannerVersionProbe Probe => SupportedScanners.Probes.Single(p => p.ScannerId == SupportedScanners.Flawfinder);

    public override ExitCodeMeaning ExitCodes => ExitCodeMeaning.ZeroOnly;

    public override ScanPlan Plan(ScanTarget target) => ScanPlan.Run(["--sarif", "--", target.Path!], target.Directory!);

    public override IScanOutputParser CreateParser(ScanTarget target) => SarifParser.Flawfinder;
}
