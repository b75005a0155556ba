namespace SecPlatform.Cli;

/// <summary>
/// The process exit codes of <c>secplat</c>, a contract scripts and outside tests rely on:
/// <list type="table">
/// <item><term>0</term><description>success</description></item>
/// <item><term>1</term><description>any other failure (the server's status detail is the message); also a broken audit chain, and a <c>commands watch</c> where a command failed, was canceled or expired, or that timed out</description></item>
/// <item><term>2</term><description>usage error: unknown command or option, bad value (duration, label, URL, ...)</description></item>
/// <item><term>3</term><description>authentication or permission: no API key found, Unauthenticated, PermissionDenied</description></item>
/// <item><term>4</term><description>not found</description></item>
/// <item><term>5</term><description>server unreachable: no discovery document at the base URL, gRPC Unavailable, or the server's TLS key does not have the <c>--pin</c> given</description></item>
/// <item><term>130</term><description>interrupted (Ctrl+C)</description></item>
/// </list>
/// </summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int Authentication = 3;
    public const int NotFound = 4;
    public const int Unreachable = 5;
    public const int Interrupted = 130;
}
