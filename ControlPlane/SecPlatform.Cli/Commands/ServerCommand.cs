using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using SecPlatform.Cli.Errors;
using SecPlatform.Contracts.Client;

namespace SecPlatform.Cli.Commands;

/// <summary>
/// <c>secplat server pin [--cert FILE]</c>: the pin of the control plane's TLS key, read on the control plane's machine from
/// the certificate it generated in its data directory (<c>--data-dir</c>, else the default), or from a PEM certificate
/// file. Local on purpose: a pin learnt over the network would only repeat what that server claims.
/// </summary>
public static class ServerCommand
{
    public static Command Create(CommandRunner runner)
    {
        var certificate = new Option<string?>("--cert")
        {
            Description = "A PEM certificate file (e.g. the one given to the control plane with --tls-cert); default: the generated one in the data directory",
            HelpName = "FILE",
        };
        var pin = new Command("pin", "Print the pin of the control plane's TLS key (sha256//...), for agents and installers") { certificate };
        runner.Attach(pin, (context, _) =>
        {
            var path = context.GetValue(certificate) is { Length: > 0 } given
                ? Path.GetFullPath(given)
                : Path.Combine(DataDirectory(context.DataDir), Contracts.Client.DataDirectory.ServerCertificateFile);
            var value = PinOfFile(path);
            if (context.Output.IsJson)
            {
                context.Output.WriteJson(new JsonObject { ["pin"] = value, ["certificate"] = path });
            }
            else
            {
                context.Output.Text.WriteLine(value);
            }

            return Task.CompletedTask;
        });
        return new Command("server", "Facts about the control plane on this machine") { pin };
    }

    public static string DataDirectory(string? given) =>
        string.IsNullOrWhiteSpace(given) ? Contracts.Client.DataDirectory.Default : Path.GetFullPath(given);

    /// <summary>The pin of the first certificate in a PEM file.</summary>
    public static string PinOfFile(string path)
    {
        try
        {
            using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(path);
            return ServerPin.Of(certificate);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CliException(ExitCodes.NotFound,
                $"no certificate at {path}: the control plane creates it on its first start with an https --urls; point --data-dir at its data directory or give --cert FILE");
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Failure, $"cannot read the certificate {path}: {ErrorMapper.OneLine(e.Message)}");
        }
    }
}
