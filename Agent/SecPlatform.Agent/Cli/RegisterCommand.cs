using System.CommandLine;
using Grpc.Core;
using SecPlatform.Agent.Hosting;
using SecPlatform.Agent.Scanners;
using SecPlatform.Agent.State;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.Contracts.Secrets;

namespace SecPlatform.Agent.Cli;

/// <summary>
/// <c>secplat-agent register --server URL [--pin sha256//...] (--token T | --token-file F | $SECPLAT_TOKEN) [--name N]
/// [--label k=v]... [--state-dir DIR] [--force] [--allow-path DIR]... [--allow-cidr CIDR[:PORTS]]... [--allow-scanner ID]...</c>:
/// trades a bootstrap token for an agent identity, stores it locally and prints the agent id (never the key). The
/// <c>--allow-*</c> options set the local policy (see <see cref="PolicyCommand"/>) once registration succeeded; without
/// any, the stored policy is kept (by default: nothing may be scanned). With <c>--allow-scanner</c>, only those
/// scanners are offered as capabilities. With <c>--pin</c>, the TLS handshake must show the control plane's key with that
/// pin before the token is sent (exit 6 otherwise); the pin is stored with the identity and required from then on.
/// </summary>
public sealed class RegisterCommand(AgentRuntime runtime)
{
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly Option<string> _server = new("--server") { Description = "The control plane's base URL", Required = true };
    private readonly Option<string?> _pin = new("--pin")
    {
        Description = "Pin of the control plane's TLS key, sha256//... as 'secplat tokens create' prints it (https servers with a self-signed certificate)",
        HelpName = "PIN",
    };
    private readonly Option<string?> _token = new("--token") { Description = "Bootstrap token (visible in the process list: prefer --token-file or $SECPLAT_TOKEN)" };
    private readonly Option<string?> _tokenFile = new("--token-file") { Description = "File holding the bootstrap token" };
    private readonly Option<string?> _name = new("--name") { Description = "Agent name (default: the host name)" };
    private readonly Option<string[]> _labels = new("--label") { Description = "Label key=value to request (repeatable)" };
    private readonly Option<string?> _stateDirectory = CommonOptions.StateDirectory();
    private readonly Option<bool> _force = new("--force") { Description = "Replace an existing agent identity" };
    private readonly PolicyOptions _policy = new();

    public Command Create()
    {
        var command = new Command("register", "Register this machine with the control plane using a bootstrap token")
        {
            _server, _pin, _token, _tokenFile, _name, _labels, _stateDirectory, _force,
        };
        foreach (var option in _policy.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(CliAction.Of(ExecuteAsync));
        return command;
    }

    private async Task<AgentExitCode> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var server = ServerUrl.Parse(parseResult.GetRequiredValue(_server));
        var pin = ServerUrl.ParsePin(parseResult.GetValue(_pin), server);
        var labels = LabelParser.Parse(parseResult.GetValue(_labels) ?? []);
        var stateDirectory = CommonOptions.ResolveStateDirectory(parseResult, _stateDirectory, runtime);
        var policy = _policy.AnyGiven(parseResult) ? _policy.Parse(parseResult) : null;

        using var store = AgentStateStore.Open(stateDirectory, runtime.Platform);
        // Checked before anything else, so an existing identity is never lost to a typo or a rerun installer.
        if (!parseResult.GetValue(_force) && store.GetIdentity() is { } existing)
        {
            throw new AgentCliException(AgentExitCode.Error,
                $"this machine already has an agent identity (agent {existing.AgentId} on {existing.Server}) in {stateDirectory}; pass --force to register a new one");
        }

        var token = BootstrapTokenSource.Resolve(parseResult.GetValue(_token), parseResult.GetValue(_tokenFile), runtime.GetEnvironmentVariable);
        var machine = runtime.Machine;
        var name = parseResult.GetValue(_name) is { Length: > 0 } given ? given : machine.Hostname;

        var detector = new ScannerDetector(SupportedScanners.Probes, new ExecutableLocator(runtime.Platform, runtime.GetEnvironmentVariable), runtime.TimeProvider);
        var capabilities = await detector.DetectAsync(cancellationToken);
        if (policy is not null)
        {
            capabilities = [.. capabilities.Where(capability => policy.AllowsScanner(capability.Scanner))];
        }

        var request = new RegisterRequest
        {
            BootstrapToken = token.Value,
            Name = name,
            Hostname = machine.Hostname,
            Os = machine.OperatingSystem,
            Arch = machine.Architecture,
            Version = machine.AgentVersion,
        };
        request.Capabilities.Add(capabilities.Select(c => new Capability { Scanner = c.Scanner, Version = c.Version }));
        request.Labels.Add(labels.ToDictionary());

        RegisterResponse response;
        using (var gateway = runtime.GatewayFactory.Create(server, agentKey: null, pin))
        {
            try
            {
                response = await gateway.RegisterAsync(request, CallTimeout, cancellationToken);
            }
            catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw RpcErrors.ForRegister(e, server);
            }
        }

        if (!SecretToken.TryParse(response.AgentKey, SecretKind.AgentKey, out var agentKey) || string.IsNullOrWhiteSpace(response.AgentId))
        {
            throw new AgentCliException(AgentExitCode.Error, "the control plane answered the registration with a malformed agent id or key; nothing was stored");
        }

        store.SaveIdentity(new AgentIdentity(
            AgentId: response.AgentId,
            AgentKey: agentKey,
            Server: server,
            Name: name,
            Hostname: machine.Hostname,
            TenantId: response.Platform || response.TenantId.Length == 0 ? null : response.TenantId,
            Platform: response.Platform,
            Labels: response.Labels.Count > 0 ? new SortedDictionary<string, string>(response.Labels, StringComparer.Ordinal) : labels,
            Capabilities: capabilities,
            LeaseDurationSeconds: response.Lease?.LeaseDurationSeconds ?? 0,
            RenewIntervalSeconds: response.Lease?.RenewIntervalSeconds ?? 0,
            RegisteredAt: runtime.TimeProvider.GetUtcNow(),
            ServerPin: pin));
        if (policy is not null)
        {
            store.SavePolicy(policy);
        }

        await parseResult.InvocationConfiguration.Output.WriteLineAsync(response.AgentId);
        return AgentExitCode.Ok;
    }
}
