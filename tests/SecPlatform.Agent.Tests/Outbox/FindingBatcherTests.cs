using Google.Protobuf;
using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Outbox;
using SecPlatform.Agent.Tests.Support;
using AgentSeverity = SecPlatform.Agent.Findings.Severity;
using ProtoSeverity = SecPlatform.Contracts.Agent.V1.Severity;

namespace SecPlatform.Agent.Tests.Outbox;

public sealed class FindingBatcherTests
{
    [Fact]
    public void Split_MoreThanTheCount_BatchesOfAtMostMaxFindingsInOrder()
    {
        var findings = Samples.ManyFindings(1201);

        var batches = FindingBatcher.Split("cmd000000001", 3, findings, maxFindings: 500, maxBytes: 1024 * 1024);

        Assert.Equal([500, 500, 201], batches.Select(b => b.Findings.Count));
        Assert.Equal(["cmd000000001-3-1", "cmd000000001-3-2", "cmd000000001-3-3"], batches.Select(b => b.BatchId));
        Assert.All(batches, b => Assert.Equal(("cmd000000001", 3L), (b.CommandId, b.FencingToken)));
        Assert.Equal(findings.Select(f => f.Fingerprint), batches.SelectMany(b => b.Findings).Select(f => f.Fingerprint));
    }

    [Fact]
    public void Split_ByteLimit_EveryBatchFitsAndNothingIsLost()
    {
        var findings = Enumerable.Range(1, 100).Select(i => Samples.Finding(i, message: new string('m', 1500))).ToList();

        var batches = FindingBatcher.Split("cmd000000001", 1, findings, maxFindings: 500, maxBytes: 16 * 1024);

        Assert.True(batches.Count > 5);
        Assert.All(batches, b => Assert.True(b.CalculateSize() <= 16 * 1024, $"batch {b.BatchId} is {b.CalculateSize()} bytes"));
        Assert.Equal(100, batches.Sum(b => b.Findings.Count));
    }

    [Fact]
    public void Split_OneFindingAboveTheByteLimit_GoesAloneRatherThanBeingDropped()
    {
        var big = Samples.Finding(1, message: new string('m', 5000));

        var batches = FindingBatcher.Split("cmd000000001", 1, [big, Samples.Finding(2)], maxFindings: 500, maxBytes: 1024);

        Assert.Equal([1, 1], batches.Select(b => b.Findings.Count));
    }

    [Fact]
    public void Split_RepeatedFingerprint_KeptOnceAsTheControlPlaneCountsThem()
    {
        var batches = FindingBatcher.Split("cmd000000001", 1, [Samples.Finding(1), Samples.Finding(1), Samples.Finding(2)], 500, 1024 * 1024);

        Assert.Equal(2, Assert.Single(batches).Findings.Count);
    }

    [Fact]
    public void Split_NoFindings_NoBatch() =>
        Assert.Empty(FindingBatcher.Split("cmd000000001", 1, [], 500, 1024 * 1024));

    [Fact]
    public void ToProto_FileFinding_CarriesEveryFieldOnTheWire()
    {
        var proto = FindingBatcher.ToProto(Samples.Finding(3));

        Assert.Equal("shellcheck", proto.Scanner);
        Assert.Equal("SC2086", proto.RuleId);
        Assert.Equal(ProtoSeverity.Medium, proto.Severity);
        Assert.Equal("path", proto.AssetKind);
        Assert.Equal("web-1.example:/srv/app/copy.sh", proto.AssetValue);
        Assert.Equal("web-1.example", proto.Host);
        Assert.Equal(("/srv/app/copy.sh", 3, 15, 0, ""), (proto.File, proto.Line, proto.Column, proto.Port, proto.Protocol));
        Assert.Equal(["CWE-78"], proto.Cwes);
        Assert.Equal("cp $f $2", proto.Evidence);
        Assert.Equal(64, proto.Fingerprint.Length);
    }

    [Fact]
    public void ToProto_NetworkFinding_PortAndProtocolNoFile()
    {
        var finding = new NormalizedFinding("nmap", "open-port", "Open port 22/tcp", AgentSeverity.Info, FindingAsset.Address("127.0.0.1"), "127.0.0.1",
            new FindingLocation(Port: 22, Protocol: "tcp"), "22/tcp open ssh", [], [], null, new string('a', 64));

        var proto = FindingBatcher.ToProto(finding);

        Assert.Equal(("ip", "127.0.0.1", 22, "tcp", "", 0, ""), (proto.AssetKind, proto.AssetValue, proto.Port, proto.Protocol, proto.File, proto.Line, proto.Evidence));
        Assert.Equal(ProtoSeverity.Info, proto.Severity);
    }

    [Theory]
    [InlineData(AgentSeverity.Info, ProtoSeverity.Info)]
    [InlineData(AgentSeverity.Low, ProtoSeverity.Low)]
    [InlineData(AgentSeverity.Medium, ProtoSeverity.Medium)]
    [InlineData(AgentSeverity.High, ProtoSeverity.High)]
    [InlineData(AgentSeverity.Critical, ProtoSeverity.Critical)]
    public void ToProto_Severity_MapsOneToOne(AgentSeverity severity, ProtoSeverity expected) =>
        Assert.Equal(expected, FindingBatcher.ToProto(severity));
}
