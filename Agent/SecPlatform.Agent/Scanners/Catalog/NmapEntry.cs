using System.Net.Sockets;
using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Findings.Parsers;
using SecPlatform.Contracts.Scanners;

namespace SecPlatform.Agent.Scanners.Catalog;

/// <summary>
/// nmap 7.9: a TCP connect scan, which needs no privileges, of the one address the host resolved to:
/// <c>nmap -sT -Pn -n -p PORTS -oX - ADDRESS</c> (<c>-6</c> added for IPv6). <c>-Pn</c>: no ping first, <c>-n</c>: no
/// reverse DNS, so only the validated address is touched. It exits 0 after any scan (255 on usage errors); whether
/// the host was scanned is read from the XML (<c>runstats/hosts@up</c>).
/// </summary>
public sealed class NmapEntry(string workingDirectory) : ScannerEntry
{
    public override ScannerSpec Spec { get; } = ScannerCatalog.Find(SupportedScanners.Nmap)!;

    public override string Executable => "nmap";

    public override ScannerVersionProbe Probe => SupportedScanners.Probes.Single(p => p.ScannerId == SupportedScanners.Nmap);

    public override ExitCodeMeaning ExitCodes { get; } = new(
        new HashSet<int> { 0 },
        new Dictionary<int, string> { [255] = "usage error (an agent bug)" });

    public override ScanPlan Plan(ScanTarget target)
    {
        var address = target.Address!;
        List<string> arguments = ["-sT", "-Pn", "-n"];
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            arguments.Add("-6");
        }

        arguments.AddRange(["-p", target.PortList!, "-oX", "-", address.ToString()]);
        return ScanPlan.Run(arguments, workingDirectory);
    }

    public override IScanOutputParser CreateParser(ScanTarget target) => NmapXmlParser.Instance;
}
