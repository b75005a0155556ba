using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SecPlatform.Contracts.Client;

/// <summary>
/// The HTTP handler the clients use for everything they send to the control plane (discovery and gRPC), so the
/// pin is checked in the TLS handshake, before the first byte of a request. With a pin, only a certificate whose
/// public key has it is accepted (self-signed is fine: the pin is the trust); without one, the normal CA
/// validation applies.
/// </summary>
public sealed class PinnedHandler
{
    private string? _refusedPin;

    public PinnedHandler(string? pin)
    {
        Pin = pin;
        Handler = new SocketsHttpHandler
        {
            // gRPC streams (findings, long polls) beside unary calls: more than one HTTP/2 connection when needed.
            EnableMultipleHttp2Connections = true,
        };
        if (pin is not null)
        {
            Handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, certificate, _, _) => Check(certificate) };
        }
    }

    public string? Pin { get; }

    public SocketsHttpHandler Handler { get; }

    /// <summary>The pin of the last key refused, when a handshake failed on the pin.</summary>
    public string? RefusedPin => Volatile.Read(ref _refusedPin);

    private bool Check(X509Certificate? certificate)
    {
        if (certificate is not null && ServerPin.Matches(certificate, Pin!))
        {
            return true;
        }

        Volatile.Write(ref _refusedPin, certificate is null ? "(no certificate)" : ServerPin.Of(certificate));
        return false;
    }
}
