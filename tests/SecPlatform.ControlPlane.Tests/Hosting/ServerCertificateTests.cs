using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecPlatform.Contracts.Client;
using SecPlatform.ControlPlane.Tls;

namespace SecPlatform.ControlPlane.Tests.Hosting;

[UnsupportedOSPlatform("windows")]
public sealed class ServerCertificateTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("secplat-tls-").FullName;

    [Fact]
    public void LoadOrCreate_FirstStart_CreatesPrivateKeyAndReusesItOnTheNextStart()
    {
        var first = ServerCertificate.LoadOrCreate(new TlsOptions { SubjectAlternativeNames = "cp.example.test, 10.1.2.3" }, _dataDir,
            ["0.0.0.0", "192.0.2.7"], TimeProvider.System);
        var second = ServerCertificate.LoadOrCreate(new TlsOptions(), _dataDir, [], TimeProvider.System);

        Assert.True(first.Generated);
        Assert.False(second.Generated);
        Assert.Equal(first.Pin, second.Pin);
        Assert.Equal(first.Certificate.Thumbprint, second.Certificate.Thumbprint);
        var keyPath = Path.Combine(_dataDir, ServerCertificate.DirectoryName, ServerCertificate.KeyFileName);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
        Assert.True(first.Certificate.HasPrivateKey);
        Assert.Empty(Directory.GetFiles(Path.Combine(_dataDir, ServerCertificate.DirectoryName), "*.tmp"));

        var san = first.Certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        var names = san.EnumerateDnsNames().ToList();
        var addresses = san.EnumerateIPAddresses().ToList();
        Assert.Contains("localhost", names);
        Assert.Contains(Dns.GetHostName(), names);
        Assert.Contains("cp.example.test", names);
        Assert.Contains(IPAddress.Loopback, addresses);
        Assert.Contains(IPAddress.IPv6Loopback, addresses);
        Assert.Contains(IPAddress.Parse("192.0.2.7"), addresses);
        Assert.Contains(IPAddress.Parse("10.1.2.3"), addresses);
        Assert.DoesNotContain(IPAddress.Any, addresses);
        Assert.InRange(first.Certificate.NotAfter.ToUniversalTime(), DateTime.UtcNow.AddDays(700), DateTime.UtcNow.AddDays(740));
    }

    [Fact]
    public void LoadOrCreate_Pin_IsTheSha256OfTheSubjectPublicKeyInfo()
    {
        var certificate = ServerCertificate.LoadOrCreate(new TlsOptions(), _dataDir, [], TimeProvider.System);

        var expected = "sha256//" + Convert.ToBase64String(SHA256.HashData(certificate.Certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        Assert.Equal(expected, certificate.Pin);
        Assert.True(ServerPin.TryParse(certificate.Pin, out _));
    }

    [Fact]
    public void LoadOrCreate_ConfiguredCertificate_IsServedAndNothingIsGenerated()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=own.example.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var own = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certificatePath = Path.Combine(_dataDir, "own.crt");
        var keyPath = Path.Combine(_dataDir, "own.key");
        File.WriteAllText(certificatePath, own.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());

        var loaded = ServerCertificate.LoadOrCreate(new TlsOptions { CertificatePath = certificatePath, KeyPath = keyPath }, _dataDir, [], TimeProvider.System);

        Assert.False(loaded.Generated);
        Assert.Equal(ServerPin.Of(own), loaded.Pin);
        Assert.False(Directory.Exists(Path.Combine(_dataDir, ServerCertificate.DirectoryName)));
    }

    [Fact]
    public void LoadOrCreate_CertificateWithoutKey_RefusesWithOneLine()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            ServerCertificate.LoadOrCreate(new TlsOptions { CertificatePath = Path.Combine(_dataDir, "x.crt") }, _dataDir, [], TimeProvider.System));

        Assert.Contains("--tls-key", e.Message);
    }

    [Fact]
    public void LoadOrCreate_KeyFileLostButCertificateKept_RefusesInsteadOfMintingANewPin()
    {
        ServerCertificate.LoadOrCreate(new TlsOptions(), _dataDir, [], TimeProvider.System);
        File.Delete(Path.Combine(_dataDir, ServerCertificate.DirectoryName, ServerCertificate.KeyFileName));

        var e = Assert.Throws<InvalidOperationException>(() => ServerCertificate.LoadOrCreate(new TlsOptions(), _dataDir, [], TimeProvider.System));

        Assert.Contains("cannot load the TLS certificate", e.Message);
    }

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);
}
