using SecPlatform.ControlPlane.Core.Domain;

namespace SecPlatform.ControlPlane.Storage.LiteDb.Documents;

/// <summary>What an agent reported about a finding, embedded in the finding's document.</summary>
internal sealed class ObservedFindingDocument
{
    public string Fingerprint { get; set; } = "";
    public string Scanner { get; set; } = "";
    public string RuleId { get; set; } = "";
    public string Title { get; set; } = "";
    public Severity Severity { get; set; }
    public string AssetKind { get; set; } = "";
    public string AssetValue { get; set; } = "";
    public string Host { get; set; } = "";
    public string File { get; set; } = "";
    public int Line { get; set; }
    public int Column { get; set; }
    public int Port { get; set; }
    public string Protocol { get; set; } = "";
    public string Message { get; set; } = "";
    public List<string> Cves { get; set; } = [];
    public List<string> Cwes { get; set; } = [];
    public string Evidence { get; set; } = "";

    public static ObservedFindingDocument From(ObservedFinding finding) => new()
    {
        Fingerprint = finding.Fingerprint,
        Scanner = finding.Scanner,
        RuleId = finding.RuleId,
        Title = finding.Title,
        Severity = finding.Severity,
        AssetKind = finding.AssetKind,
        AssetValue = finding.AssetValue,
        Host = finding.Host,
        File = finding.File,
        Line = finding.Line,
        Column = finding.Column,
        Port = finding.Port,
        Protocol = finding.Protocol,
        Message = finding.Message,
        Cves = [.. finding.Cves],
        Cwes = [.. finding.Cwes],
        Evidence = finding.Evidence,
    };

    public ObservedFinding ToDomain() => new()
    {
        Fingerprint = Fingerprint,
        Scanner = Scanner,
        RuleId = RuleId,
        Title = Title,
        Severity = Severity,
        AssetKind = AssetKind,
        AssetValue = AssetValue,
        Host = Host,
        File = File,
        Line = Line,
        Column = Column,
        Port = Port,
        Protocol = Protocol,
        Message = Message,
        Cves = [.. Cves],
        Cwes = [.. Cwes],
        Evidence = Evidence,
    };
}
