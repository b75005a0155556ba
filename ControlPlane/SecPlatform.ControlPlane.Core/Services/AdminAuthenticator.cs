using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Options;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>
/// Verifies admin API keys (bcrypt, slow on purpose) with bounded cost under a flood of wrong keys:
/// a short cache keyed by SHA-256 of the presented key remembers both good and bad verdicts, and
/// failures are throttled per key id so a guessed id cannot make the server bcrypt without limit.
/// A cached verdict is re-checked against the stored admin (revoked? same key hash?) on every call,
/// so revocation and rotation take effect at once on every replica.
/// </summary>
public sealed class AdminAuthenticator
{
    private const string Refused = "the admin API key was refused";

    private readonly IControlPlaneStore _store;
    private readonly TimeProvider _time;
    private readonly ControlPlaneMetrics _metrics;
    private readonly SecurityOptions _options;
    private readonly FailureThrottle _failures;
    private readonly ConcurrentDictionary<string, CachedVerdict> _cache = new();

    public AdminAuthenticator(IControlPlaneStore store, TimeProvider time, ControlPlaneMetrics metrics, IOptions<SecurityOptions> options)
    {
        _store = store;
        _time = time;
        _metrics = metrics;
        _options = options.Value;
        _failures = new FailureThrottle(_options.AdminKeyMaxFailures, _options.FailureWindow, time);
    }

    /// <summary>The admin behind <paramref name="presentedKey"/>, or Unauthenticated (one answer for every kind of bad key).</summary>
    public async Task<AdminPrincipal> AuthenticateAsync(string? presentedKey, string peerAddress, CancellationToken cancellationToken)
    {
        if (!SecretToken.TryParse(presentedKey, SecretKind.AdminKey, out var key))
        {
            _metrics.AdminAuthFailure();
            throw new DomainException(ErrorKind.Unauthenticated, "a valid admin API key (spadm_...) is required in the authorization header");
        }

        var now = _time.GetUtcNow();
        var cacheKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.Value)));
        if (_cache.TryGetValue(cacheKey, out var cached) && cached.ValidUntil > now)
        {
            if (cached.AdminId is null)
            {
                throw new DomainException(ErrorKind.Unauthenticated, Refused);
            }

            var admin = await _store.GetAdminAsync(cached.AdminId, cancellationToken);
            // The store read is cheap next to bcrypt, and makes revocation and rotation take effect at
            // once on every replica: a verdict only holds for the exact key hash it was made against.
            if (admin is not null && admin.RevokedAt is null && admin.KeyHash == cached.KeyHash)
            {
                return new AdminPrincipal(admin.Id, admin.Role, admin.TenantId, peerAddress);
            }
        }

        if (_failures.IsThrottled(key.Id))
        {
            _metrics.AdminAuthFailure();
            throw new DomainException(ErrorKind.ResourceExhausted, "too many failed attempts with this admin key id; try again later");
        }

        var stored = await _store.GetAdminAsync(key.Id, cancellationToken);
        var valid = stored is not null && stored.RevokedAt is null && BCrypt.Net.BCrypt.Verify(key.Secret, stored.KeyHash);
        var validUntil = now.AddSeconds(_options.AdminKeyCacheSeconds);
        if (!valid)
        {
            _failures.RecordFailure(key.Id);
            _metrics.AdminAuthFailure();
            Remember(cacheKey, new CachedVerdict(null, null, validUntil));
            throw new DomainException(ErrorKind.Unauthenticated, Refused);
        }

        Remember(cacheKey, new CachedVerdict(stored!.Id, stored.KeyHash, validUntil));
        return new AdminPrincipal(stored.Id, stored.Role, stored.TenantId, peerAddress);
    }

    /// <summary>Forgets every cached verdict for an admin (after its key was rotated or it was revoked).</summary>
    public void Forget(string adminId)
    {
        foreach (var (cacheKey, verdict) in _cache)
        {
            if (verdict.AdminId == adminId)
            {
                _cache.TryRemove(cacheKey, out _);
            }
        }
    }

    public string HashKey(string secret) => BCrypt.Net.BCrypt.HashPassword(secret, _options.BcryptWorkFactor);

    private void Remember(string cacheKey, CachedVerdict verdict)
    {
        if (_options.AdminKeyCacheSeconds <= 0)
        {
            return;
        }

        // Bounded: a flood of distinct wrong keys must not grow memory without limit.
        if (_cache.Count > 10_000)
        {
            var now = _time.GetUtcNow();
            foreach (var (k, v) in _cache)
            {
                if (v.ValidUntil <= now)
                {
                    _cache.TryRemove(k, out _);
                }
            }

            if (_cache.Count > 10_000)
            {
                _cache.Clear();
            }
        }

        _cache[cacheKey] = verdict;
    }

    private sealed record CachedVerdict(string? AdminId, string? KeyHash, DateTimeOffset ValidUntil);
}
