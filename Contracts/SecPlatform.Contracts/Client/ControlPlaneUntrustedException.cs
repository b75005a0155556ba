namespace SecPlatform.Contracts.Client;

/// <summary>
/// The server's TLS key did not have the expected pin: the connection was closed during the handshake, before
/// anything (a token, a key) was sent. Not a transient failure: the URL leads to another server, or the control
/// plane's certificate changed.
/// </summary>
public sealed class ControlPlaneUntrustedException(Uri server, string expectedPin, string presentedPin)
    : Exception($"the server at {server} is not the expected control plane: its key has the pin {presentedPin}, not {expectedPin}; nothing was sent to it")
{
    public string ExpectedPin { get; } = expectedPin;

    public string PresentedPin { get; } = presentedPin;
}
