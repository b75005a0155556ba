using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecPlatform.Contracts.Client;

namespace SecPlatform.ControlPlane.Tls;

/// <summary>
/// The certificate the control plane serves TLS with: the configured one, or a self-signed one created once in
/// <c>{data dir}/tls/server.crt</c> + <c>server.key</c> (ECDSA P-256, key file 0600) and reused on every start, so
/// its pin stays what agents were given.
/// </summary>
public sealed class ServerCertificate
{
    public const string DirectoryName = "tls";
    public const string CertificateFileName = "server.crt";
    public const string KeyFileName = "server.key";
    public static readonly TimeSpan GeneratedValidity = TimeSpan.FromDays(2 * 365);

    private ServerCertificate(X509Certificate2 certificate, string certificatePath, bool generated)
    {
        Certificate = certificate;
        CertificatePath = certificatePath;
        Generated = generated;
        Pin = ServerPin.Of(certificate);
    }

    public X509Certificate2 Certificate { get; }

    public string CertificatePath { get; }

    /// <summary>True when this start created the certificate.</summary>
    public bool Generated { get; }

    public string Pin { get; }

    /// <summary>Loads the configured certificate, else the one in <paramref name="dataDir"/>, creating it the first time.</summary>
    /// <param name="names">Host names and IP addresses the generated certificate names besides localhost, the loopback
    /// addresses and the machine's host name.</param>
    public static ServerCertificate LoadOrCreate(TlsOptions options, string dataDir, IEnumerable<string> names, TimeProvider time)
    {
        if (!string.IsNullOrWhiteSpace(options.CertificatePath) || !string.IsNullOrWhiteSpace(options.KeyPath))
        {
            if (string.IsNullOrWhiteSpace(options.CertificatePath) || string.IsNullOrWhiteSpace(options.KeyPath))
            {
                throw new InvalidOperationException("give both --tls-cert and --tls-key (PEM files), or neither for a self-signed certificate");
            }

            return new ServerCertificate(Load(options.CertificatePath, options.KeyPath), Path.GetFullPath(options.CertificatePath), generated: false);
        }

        var directory = Path.Combine(dataDir, DirectoryName);
        var certificatePath = Path.Combine(directory, CertificateFileName);
        var keyPath = Path.Combine(directory, KeyFileName);
        if (File.Exists(certificatePath) || File.Exists(keyPath))
        {
            return new ServerCertificate(Load(certificatePath, keyPath), certificatePath, generated: false);
        }

        var sans = (options.SubjectAlternativeNames ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Create(directory, certificatePath, keyPath, [.. names, .. sans], time.GetUtcNow());
        return new ServerCertificate(Load(certificatePath, keyPath), certificatePath, generated: true);
    }

    private static X509Certificate2 Load(string certificatePath, string keyPath)
    {
        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            if (!OperatingSystem.IsWindows())
            {
                return certificate;
            }

            // SChannel cannot use an ephemeral PEM key: round-trip through PKCS#12.
            using (certificate)
            {
                return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
            }
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException($"cannot load the TLS certificate {certificatePath} with key {keyPath}: {e.Message}", e);
        }
    }

    private static void Create(string directory, string certificatePath, string keyPath, IReadOnlyList<string> names, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var hostName = Dns.GetHostName();
        var request = new CertificateRequest($"CN=SecPlatform control plane ({hostName})", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        var added = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in (string[])["localhost", "127.0.0.1", "::1", hostName, .. names])
        {
            var trimmed = name.Trim().Trim('[', ']');
            if (trimmed.Length == 0 || !added.Add(trimmed))
            {
                continue;
            }

            if (IPAddress.TryParse(trimmed, out var address))
            {
                if (!address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any))
                {
                    san.AddIpAddress(address);
                }
            }
            else
            {
                san.AddDnsName(trimmed);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now + GeneratedValidity);

        CreatePrivateDirectory(directory);
        // The key first, each through a temporary file: a crash leaves no half-written pair behind.
        WriteAtomically(keyPath, key.ExportPkcs8PrivateKeyPem());
        WriteAtomically(certificatePath, certificate.ExportCertificatePem() + "\n");
    }

    private static void CreatePrivateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static void WriteAtomically(string path, string content)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, path, overwrite: false);
    }
}
