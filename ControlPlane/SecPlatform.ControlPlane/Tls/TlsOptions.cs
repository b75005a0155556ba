namespace SecPlatform.ControlPlane.Tls;

/// <summary>The control plane's TLS certificate (section <c>Tls</c>; command line <c>--tls-cert</c>, <c>--tls-key</c>, <c>--tls-san</c>).</summary>
public sealed class TlsOptions
{
    public const string Section = "Tls";

    /// <summary>A PEM certificate (chain) to serve; with <see cref="KeyPath"/>. None: a self-signed one in <c>{data dir}/tls</c>.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>Extra host names or IP addresses for a generated certificate, comma-separated.</summary>
    public string? SubjectAlternativeNames { get; set; }
}
