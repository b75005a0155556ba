using SecPlatform.Agent.Findings;
using SecPlatform.Agent.Findings.Parsers;
using SecPlatform.Agent.Findings.Sarif;
using SecPlatform.Agent.Scanners.Execution;
using SecPlatform.Contracts.Scanners;

namespace SecPlatform.Agent.Scanners.Catalog;

/// <summary>
/// A TEST-ONLY catalog entry loaded from <see cref="ExtraCatalogFile"/>: an executable at an absolute path and a fixed
/// argument template whose elements <c>{path}</c>, <c>{host}</c> and <c>{ports}</c> are replaced, as whole array
/// elements, by the validated target (the real path, the resolved address, the canonical port list). Its parameters
/// are the placeholders it uses, validated like a real entry's. Parser <c>none</c> or <c>sarif</c>.
/// </summary>
public sealed class TemplateScannerEntry : ScannerEntry
{
    public const string PathPlaceholder = "{path}";
    public const string HostPlaceholder = "{host}";
    public const string PortsPlaceholder = "{ports}";

    private readonly IReadOnlyList<string> _arguments;
    private readonly string _parser;
    private readonly string _defaultWorkingDirectory;

    public TemplateScannerEntry(
        string id,
        string executable,
        IReadOnlyList<string> arguments,
        string parser,
        TimeSpan timeout,
        IReadOnlySet<int> successExitCodes,
        OutputLimits limits,
        string defaultWorkingDirectory)
    {
        _arguments = arguments;
        _parser = parser;
        _defaultWorkingDirectory = defaultWorkingDirectory;
        Executable = executable;
        DefaultTimeout = timeout;
        Limits = limits;
        ExitCodes = new ExitCodeMeaning(successExitCodes, new Dictionary<int, string>());
        var parameters = new List<ScannerParameter>();
        if (arguments.Contains(PathPlaceholder))
        {
            parameters.Add(new ScannerParameter("path", ParameterKind.Path, Required: true, "a file or directory"));
        }

        if (arguments.Contains(HostPlaceholder))
        {
            parameters.Add(new ScannerParameter("host", ParameterKind.Host, Required: true, "a host name or IP address"));
        }

        if (arguments.Contains(PortsPlaceholder))
        {
            parameters.Add(new ScannerParameter("ports", ParameterKind.Ports, Required: true, "ports such as 22,80"));
        }

        Spec = new ScannerSpec(id, "test-only entry", parameters);
    }

    public override ScannerSpec Spec { get; }

    public override string Executable { get; }

    public override TimeSpan DefaultTimeout { get; }

    public override OutputLimits Limits { get; }

    public override ExitCodeMeaning ExitCodes { get; }

    public override bool IsTestOnly => true;

    public override ScanPlan Plan(ScanTarget target)
    {
        var arguments = _arguments.Select(argument => argument switch
        {
            PathPlaceholder => target.Path!,
            HostPlaceholder => target.Address!.ToString(),
            PortsPlaceholder => target.PortList!,
            _ => argument,
        }).ToList();
        return ScanPlan.Run(arguments, target.Directory ?? _defaultWorkingDirectory);
    }

    public override IScanOutputParser CreateParser(ScanTarget target) =>
        _parser == "sarif" ? SarifParser.Generic : NoOutputParser.Instance;
}
