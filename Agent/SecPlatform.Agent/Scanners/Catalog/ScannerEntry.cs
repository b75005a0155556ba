using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Scanners.Execution;
using SecPlatform.Contracts.Scanners;

namespace SecPlatform.Agent.Scanners.Catalog;

/// <summary>
/// One scanner this agent can run: its parameters (the contract's <see cref="ScannerSpec"/>), its executable and
/// how to detect it, how to build the argument list from a validated <see cref="ScanTarget"/> (never from
/// free-form text), its timeout, what its exit codes mean, its output caps and its parser.
/// </summary>
public abstract class ScannerEntry
{
    public string Id => Spec.Id;

    public abstract ScannerSpec Spec { get; }

    /// <summary>A command name looked up on PATH, or an absolute path (test-only entries).</summary>
    public abstract string Executable { get; }

    /// <summary>How <see cref="ScannerDetector"/> finds the version; null for test-only entries.</summary>
    public virtual ScannerVersionProbe? Probe => null;

    public virtual TimeSpan DefaultTimeout => TimeSpan.FromMinutes(30);

    /// <summary>A command may ask for a longer timeout than the default, up to this.</summary>
    public virtual TimeSpan MaxTimeout => TimeSpan.FromHours(4);

    public virtual OutputLimits Limits => OutputLimits.Default;

    public abstract ExitCodeMeaning ExitCodes { get; }

    /// <summary>True for entries loaded from the test-only catalog file.</summary>
    public virtual bool IsTestOnly => false;

    public abstract ScanPlan Plan(ScanTarget target);

    public abstract IScanOutputParser CreateParser(ScanTarget target);
}
