using System.Globalization;
using System.Runtime.InteropServices;
using System.Xml;

namespace SecPlatform.Agent.Findings.Parsers;

/// <summary>
/// nmap <c>-oX -</c>, read forward-only with <see cref="XmlReader"/> (DTDs ignored, no external resolution, entity
/// expansion bounded). Every port whose state is <c>open</c> is a finding: rule <c>open-port</c>, asset the scanned
/// address, location protocol + port, severity info (an open port is an observation, not a flaw). nmap exits 0 even
/// when it scanned nothing (a name that did not resolve), so <c>runstats/hosts@up</c> decides: no host up fails the
/// run; a document without runstats was cut and is partial at best.
/// </summary>
public sealed class NmapXmlParser : IScanOutputParser
{
    public const string OpenPortRule = "open-port";

    public static NmapXmlParser Instance { get; } = new();

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        MaxCharactersFromEntities = 1024,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
    };

    public ParsedOutput Parse(ReadOnlyMemory<byte> output, bool truncated, ParseContext context)
    {
        if (output.IsEmpty)
        {
            return ParsedOutput.Failed("the scanner printed no output");
        }

        var collector = new FindingCollector(context);
        int? hostsUp = null;
        string? finishedError = null;
        var sawRoot = false;
        string? documentProblem = null;
        try
        {
            using var stream = MemoryMarshal.TryGetArray(output, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(output.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, Settings);
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                switch (reader.Name)
                {
                    case "nmaprun" when reader.Depth == 0:
                        sawRoot = true;
                        break;
                    case "host" when sawRoot:
                        using (var host = reader.ReadSubtree())
                        {
                            ReadHost(host, collector);
                        }

                        break;
                    case "hosts" when sawRoot:
                        hostsUp = int.TryParse(reader.GetAttribute("up"), NumberStyles.None, CultureInfo.InvariantCulture, out var up) ? up : null;
                        break;
                    case "finished" when sawRoot && reader.GetAttribute("exit") == "error":
                        finishedError = reader.GetAttribute("errormsg") ?? "nmap reported an error";
                        break;
                }
            }
        }
        catch (XmlException e)
        {
            documentProblem = $"the nmap XML is malformed or incomplete at line {e.LineNumber}, position {e.LinePosition}";
        }

        if (!sawRoot)
        {
            return ParsedOutput.Failed(documentProblem ?? "the output is XML but not an nmap report (no 'nmaprun')");
        }

        if (documentProblem is null && hostsUp is null)
        {
            documentProblem = "the nmap report has no runstats (cut short)";
        }

        string? toolError = null;
        if (finishedError is not null)
        {
            toolError = "nmap: " + FindingText.Clean(finishedError, 300);
        }
        else if (hostsUp == 0)
        {
            toolError = "nmap scanned no host (runstats hosts up=0)";
        }

        return ParseOutcome.From(collector, truncated, documentProblem, skipped: 0, toolError: toolError);
    }

    private static void ReadHost(XmlReader reader, FindingCollector collector)
    {
        string? address = null;
        var open = new List<(string Protocol, int Port, string? Reason, string? Service)>();
        (string Protocol, int Port, string? Reason, string? Service)? current = null;
        var currentOpen = false;

        void Close()
        {
            if (current is { } port && currentOpen)
            {
                open.Add(port);
            }

            current = null;
            currentOpen = false;
        }

        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            switch (reader.Name)
            {
                case "address" when address is null && reader.GetAttribute("addrtype") is "ipv4" or "ipv6":
                    address = reader.GetAttribute("addr");
                    break;
                case "port":
                    Close();
                    if (int.TryParse(reader.GetAttribute("portid"), NumberStyles.None, CultureInfo.InvariantCulture, out var portId) && portId is > 0 and <= 65535)
                    {
                        current = (reader.GetAttribute("protocol") ?? "tcp", portId, null, null);
                    }

                    break;
                case "state" when current is { } port:
                    currentOpen = reader.GetAttribute("state") == "open";
                    current = port with { Reason = reader.GetAttribute("reason") };
                    break;
                case "service" when current is { } port:
                    current = port with { Service = reader.GetAttribute("name") };
                    break;
            }
        }

        Close();
        if (address is null)
        {
            return;
        }

        foreach (var (protocol, port, reason, service) in open)
        {
            var proto = protocol.ToLowerInvariant();
            var serviceText = service is { Length: > 0 } ? service : "unknown";
            collector.AddNetworkFinding(
                OpenPortRule,
                $"Open {proto.ToUpperInvariant()} port {port}",
                Severity.Info,
                address,
                proto,
                port,
                $"{proto}/{port.ToString(CultureInfo.InvariantCulture)} is open on {address} (service by port number: {serviceText})",
                $"state=open reason={reason ?? "unknown"} service={serviceText}");
        }
    }
}
