using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SecPlatform.EndToEnd.Tests.Installers;

/// <summary>
/// A loopback HTTPS server with a fresh self-signed certificate that records every request it receives (line and
/// headers): the installers' pinned first contact is checked against it, with <see cref="Pin"/> in the form
/// <c>curl --pinnedpubkey</c> takes. It answers <c>GET /healthz</c> like the control plane and serves
/// <c>/downloads/{name}</c> from a directory; anything else is 404.
/// </summary>
public sealed class RecordingHttpsServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _requests = new();

    private RecordingHttpsServer(WebApplication app, string pin, int port)
    {
        _app = app;
        Pin = pin;
        BaseUrl = $"https://127.0.0.1:{port}";
    }

    public string BaseUrl { get; }

    /// <summary><c>sha256//</c> + base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo.</summary>
    public string Pin { get; }

    /// <summary>Every request received: "METHOD /path" followed by its headers.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static string PinOf(X509Certificate2 certificate) =>
        "sha256//" + Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    public static async Task<RecordingHttpsServer> StartAsync(string downloadsDirectory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=secplat-test", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var server = (RecordingHttpsServer?)null;
        app.Use(async (context, next) =>
        {
            server!._requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}\n"
                + string.Join('\n', context.Request.Headers.Select(h => $"{h.Key}: {h.Value}")));
            await next(context);
        });
        app.MapGet("/healthz", () => "ok");
        app.MapGet("/downloads/{name}", (string name) =>
        {
            var path = Path.Combine(downloadsDirectory, name);
            return name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') && File.Exists(path)
                ? Results.File(path, "application/octet-stream")
                : Results.NotFound();
        });
        await app.StartAsync();
        var port = new Uri(app.Urls.First()).Port;
        server = new RecordingHttpsServer(app, PinOf(certificate), port);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
