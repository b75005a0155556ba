using System.CommandLine;
using Grpc.Core;
using SecPlatform.Cli.Connection;
using SecPlatform.Cli.Errors;
using SecPlatform.Cli.Output;
using SecPlatform.Contracts.Client;

namespace SecPlatform.Cli.Commands;

/// <summary>
/// What one command invocation works with: its parsed values, the output writer, and a connection to
/// the control plane made on first use (so <c>version</c> and usage errors need no server or key).
/// </summary>
public sealed class CommandContext : IDisposable
{
    // A CLI must not hang forever on a server that accepts the connection but never answers.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    private readonly ParseResult _parseResult;
    private readonly GlobalOptions _globals;
    private ResolvedApiKey? _apiKey;
    private ControlPlaneConnection? _connection;

    public CommandContext(ParseResult parseResult, GlobalOptions globals, CliEnvironment environment)
    {
        _parseResult = parseResult;
        _globals = globals;
        Environment = environment;
        Output = new OutputWriter(environment.Out, parseResult.GetValue(globals.Output) ?? OutputFormat.Table, environment.Error);
    }

    public CliEnvironment Environment { get; }

    public OutputWriter Output { get; }

    /// <summary>The base URL given by <c>--server</c>, <c>$SECPLAT_SERVER</c> or the default.</summary>
    public Uri Server
    {
        get
        {
            var text = _parseResult.GetValue(_globals.Server)?.Trim();
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                return uri;
            }

            throw CliException.Usage($"--server must be an http:// or https:// base URL such as {GlobalOptions.DefaultServer}, not '{text}'");
        }
    }

    /// <summary>The pin of the server's TLS key given by <c>--pin</c> or <c>$SECPLAT_PIN</c>; null when none.</summary>
    public string? Pin
    {
        get
        {
            var text = _parseResult.GetValue(_globals.Pin);
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            return ServerPin.TryParse(text, out var pin) ? pin : throw CliException.Usage($"--pin takes {ServerPin.FormatHint}, not '{text}'");
        }
    }

    /// <summary>What the control plane announced when the connection was made (its version); null before.</summary>
    public DiscoveryDocument? Discovery => _connection?.Discovery;

    /// <summary>The admin API key, resolved on first use (<see cref="ApiKeyResolver"/>).</summary>
    public ResolvedApiKey ApiKey => _apiKey ??= ApiKeyResolver.Resolve(
        _parseResult.GetValue(_globals.ApiKey), Environment.GetVariable, _parseResult.GetValue(_globals.DataDir));

    /// <summary>The control plane's data directory given by <c>--data-dir</c>; null for the default.</summary>
    public string? DataDir => _parseResult.GetValue(_globals.DataDir);

    public T? GetValue<T>(Option<T> option) => _parseResult.GetValue(option);

    public T? GetValue<T>(Argument<T> argument) => _parseResult.GetValue(argument);

    /// <summary>A generated client on an authenticated connection to the control plane.</summary>
    public async Task<TClient> ClientAsync<TClient>(Func<CallInvoker, TClient> create, CancellationToken cancellationToken)
    {
        if (_connection is null)
        {
            var server = Server;
            // A pin means TLS: it is checked in the handshake, so it only makes sense (and only is taken) with https.
            var pin = server.Scheme == Uri.UriSchemeHttps ? Pin ?? LocalServerPin(server) : null;
            var apiKey = ApiKey;
            _connection = await ControlPlaneEndpoint.ConnectAsync(server, apiKey.Value, cancellationToken, pin: pin);
        }

        return create(_connection.Invoker);
    }

    /// <summary>
    /// On the control plane's own machine (a loopback https URL), the pin of the certificate it generated in its data
    /// directory, read like the first-start admin key; null elsewhere, or when it uses its own certificate.
    /// </summary>
    private string? LocalServerPin(Uri server)
    {
        if (!server.IsLoopback)
        {
            return null;
        }

        var path = Path.Combine(ServerCommand.DataDirectory(_parseResult.GetValue(_globals.DataDir)), DataDirectory.ServerCertificateFile);
        return File.Exists(path) ? ServerCommand.PinOfFile(path) : null;
    }

    /// <summary>Options for one call: the caller's cancellation and a deadline.</summary>
    public CallOptions Call(CancellationToken cancellationToken) => Call(cancellationToken, notAfter: null);

    /// <summary>Options for one call whose deadline is also no later than <paramref name="notAfter"/> (e.g. the end of a watch).</summary>
    public CallOptions Call(CancellationToken cancellationToken, DateTimeOffset? notAfter)
    {
        var deadline = Environment.Time.GetUtcNow() + CallTimeout;
        if (notAfter < deadline)
        {
            deadline = notAfter.Value;
        }

        return new CallOptions(deadline: deadline.UtcDateTime, cancellationToken: cancellationToken);
    }

    public void Dispose() => _connection?.Dispose();
}
