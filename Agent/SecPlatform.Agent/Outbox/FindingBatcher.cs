using Google.Protobuf;
using SecPlatform.Agent.Findings;
using SecPlatform.Contracts.Agent.V1;
using ProtoFinding = SecPlatform.Contracts.Agent.V1.Finding;
using ProtoSeverity = SecPlatform.Contracts.Agent.V1.Severity;

namespace SecPlatform.Agent.Outbox;

/// <summary>
/// Turns a run's findings into the batches the outbox keeps and the stream sends: the wire shape, one finding per
/// fingerprint (the control plane counts an attempt's findings by fingerprint), at most <c>maxFindings</c> findings
/// and <c>maxBytes</c> serialized bytes per batch; then the run's components (one per asset and key), in the same
/// batches under the same caps, so they are kept, sent, acknowledged and deleted exactly like findings. Batch ids are <c>{commandId}-{fencingToken}-{n}</c>: unique per attempt.
/// </summary>
public static class FindingBatcher
{
    public static IReadOnlyList<FindingBatch> Split(string commandId, long fencingToken, IEnumerable<NormalizedFinding> findings, int maxFindings, int maxBytes,
        IEnumerable<ScannedComponent>? components = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFindings, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        var batches = new List<FindingBatch>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        FindingBatch? current = null;
        var size = 0;
        foreach (var finding in findings)
        {
            if (!seen.Add(finding.Fingerprint))
            {
                continue;
            }

            var proto = ToProto(finding);
            // A repeated message field costs its tag (1 byte), its length prefix and its body.
            var cost = 1 + CodedOutputStream.ComputeMessageSize(proto);
            if (current is null || current.Findings.Count >= maxFindings || (current.Findings.Count > 0 && size + cost > maxBytes))
            {
                current = new FindingBatch { BatchId = $"{commandId}-{fencingToken}-{batches.Count + 1}", CommandId = commandId, FencingToken = fencingToken };
                size = current.CalculateSize();
                batches.Add(current);
            }

            current.Findings.Add(proto);
            size += cost;
        }

        // Components after the findings, in the same batches and under the same caps (a component counts as an item).
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var component in components ?? [])
        {
            var proto = ToProto(component);
            if (!keys.Add(proto.AssetValue + "\n" + Findings.Parsers.CycloneDxParser.KeyOf(proto.Name, proto.Version, proto.Purl)))
            {
                continue;
            }

            var cost = 1 + CodedOutputStream.ComputeMessageSize(proto);
            var items = current is null ? 0 : current.Findings.Count + current.Components.Count;
            if (current is null || items >= maxFindings || (items > 0 && size + cost > maxBytes))
            {
                current = new FindingBatch { BatchId = $"{commandId}-{fencingToken}-{batches.Count + 1}", CommandId = commandId, FencingToken = fencingToken };
                size = current.CalculateSize();
                batches.Add(current);
            }

            current.Components.Add(proto);
            size += cost;
        }

        return batches;
    }

    public static Component ToProto(ScannedComponent component) => new()
    {
        Name = component.Name,
        Version = component.Version,
        Purl = component.Purl,
        Type = component.Type,
        AssetKind = component.Asset.Kind.ToString().ToLowerInvariant(),
        AssetValue = component.Asset.Value,
    };

    public static ProtoFinding ToProto(NormalizedFinding finding)
    {
        var proto = new ProtoFinding
        {
            Fingerprint = finding.Fingerprint,
            Scanner = finding.Scanner,
            RuleId = finding.RuleId,
            Title = finding.Title,
            Severity = ToProto(finding.Severity),
            AssetKind = finding.Asset.Kind.ToString().ToLowerInvariant(),
            AssetValue = finding.Asset.Value,
            Host = finding.Host,
            File = finding.Location.File ?? "",
            Line = finding.Location.Line ?? 0,
            Column = finding.Location.Column ?? 0,
            Port = finding.Location.Port ?? 0,
            Protocol = finding.Location.Protocol ?? "",
            Message = finding.Message,
            Evidence = finding.Evidence ?? "",
        };
        proto.Cves.Add(finding.Cves);
        proto.Cwes.Add(finding.Cwes);
        return proto;
    }

    public static ProtoSeverity ToProto(Findings.Severity severity) => severity switch
    {
        Findings.Severity.Info => ProtoSeverity.Info,
        Findings.Severity.Low => ProtoSeverity.Low,
        Findings.Severity.Medium => ProtoSeverity.Medium,
        Findings.Severity.High => ProtoSeverity.High,
        Findings.Severity.Critical => ProtoSeverity.Critical,
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, "not a severity"),
    };
}
