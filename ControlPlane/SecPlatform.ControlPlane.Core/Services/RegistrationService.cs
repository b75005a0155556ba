using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Options;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>
/// Trades a bootstrap token for an agent identity. Every refusal of the token (garbage, unknown, wrong
/// secret, expired, revoked, used up, address not allowed) gets the same Unauthenticated answer: no
/// oracle. The true reason goes to the registrations trail. Failed attempts are throttled per peer
/// address and per token id; successful ones are not.
/// </summary>
public sealed class RegistrationService
{
    public const string TokenRefused = "the bootstrap token was refused";

    private readonly IControlPlaneStore _store;
    private readonly TimeProvider _time;
    private readonly ControlPlaneMetrics _metrics;
    private readonly LeaseOptions _leases;
    private readonly ILogger<RegistrationService> _logger;
    private readonly FailureThrottle _peerFailures;
    private readonly FailureThrottle _tokenFailures;

    public RegistrationService(IControlPlaneStore store, TimeProvider time, ControlPlaneMetrics metrics, IOptions<LeaseOptions> leases,
        IOptions<SecurityOptions> security, ILogger<RegistrationService> logger)
    {
        _store = store;
        _time = time;
        _metrics = metrics;
        _leases = leases.Value;
        _logger = logger;
        _peerFailures = new FailureThrottle(security.Value.RegistrationMaxFailuresPerPeer, security.Value.FailureWindow, time);
        _tokenFailures = new FailureThrottle(security.Value.RegistrationMaxFailuresPerToken, security.Value.FailureWindow, time);
    }

    public async Task<RegistrationResult> RegisterAsync(RegistrationRequest request, IPAddress? peer, CancellationToken cancellationToken)
    {
        // The caller is anonymous until its token is found, and refusals are recorded under no tenant: the platform
        // context. Only the registration itself runs in the token's tenant.
        using var platform = TenantContext.Enter(TenantContext.Platform);
        var peerAddress = PeerAddress.Normalize(peer);
        var peerText = peerAddress?.ToString() ?? "";
        SecretToken.TryParse(request.BootstrapToken, SecretKind.BootstrapToken, out var presented);
        var tokenId = presented?.Id ?? "";

        if (_peerFailures.IsThrottled(peerText) || (tokenId != "" && _tokenFailures.IsThrottled(tokenId)))
        {
            await RecordFailureAsync(tokenId, peerText, "throttled", countTowardsThrottle: false, cancellationToken);
            throw new DomainException(ErrorKind.ResourceExhausted, "too many failed registrations from this address or with this token; try again later");
        }

        Agent draft;
        try
        {
            draft = BuildAgent(request);
        }
        catch (DomainException e)
        {
            await RecordFailureAsync(tokenId, peerText, $"invalid request: {e.Message}", countTowardsThrottle: true, cancellationToken);
            throw;
        }

        if (presented is null)
        {
            await RefuseAsync(tokenId, peerText, "malformed token", cancellationToken);
        }

        var now = _time.GetUtcNow();
        var token = await _store.GetBootstrapTokenAsync(presented!.Id, cancellationToken);
        var reason = token switch
        {
            null => "unknown token",
            _ when !SecretHash.Matches(presented.Secret, token.SecretHash) => "wrong secret",
            { RevokedAt: not null } => "revoked",
            _ when token.ExpiresAt <= now => "expired",
            _ when token.UsedCount >= token.MaxUses => "used up",
            _ when !AddressAllowed(token, peerAddress) => $"address {peerText} not in the token's CIDR allow-list",
            _ => null,
        };
        if (reason is not null)
        {
            await RefuseAsync(presented.Id, peerText, reason, cancellationToken);
        }

        var key = SecretToken.Create(SecretKind.AgentKey);
        var agent = new Agent
        {
            Id = SecretToken.NewId(),
            Name = draft.Name,
            Hostname = draft.Hostname,
            Os = draft.Os,
            Arch = draft.Arch,
            Version = draft.Version,
            TenantId = token!.TenantId,
            // The token's labels are the admin's word and win over what the agent asks for.
            Labels = new Dictionary<string, string>(draft.Labels.Concat(token.Labels).GroupBy(p => p.Key).Select(g => g.Last())),
            Capabilities = draft.Capabilities,
            RegisteredAt = now,
            BootstrapTokenId = token.Id,
        };
        var lease = new Lease { AgentId = agent.Id, LeaseDurationSeconds = _leases.DurationSeconds };
        var agentKey = new AgentKey { Id = key.Id, AgentId = agent.Id, SecretHash = SecretHash.Sha256Hex(key.Secret), CreatedAt = now };
        var attempt = new RegistrationAttempt
        {
            Id = SecretToken.NewId(),
            TokenId = token.Id,
            PeerAddress = peerText,
            Succeeded = true,
            AgentId = agent.Id,
            TenantId = agent.TenantId,
            Time = now,
        };
        bool registered;
        using (TenantContext.Enter(TenantContext.ForCaller(agent.TenantId)))
        {
            registered = await _store.RegisterAgentAsync(new NewAgentRegistration(agent, agentKey, lease, attempt, now), cancellationToken);
        }

        if (!registered)
        {
            // Lost the race for the last use (or revoked meanwhile): the same answer as any refusal.
            await RefuseAsync(token.Id, peerText, "used up or revoked concurrently", cancellationToken);
        }

        _metrics.Registration(succeeded: true);
        // Debug: the registrations trail keeps every success, and at a roll-out's rate this line cost a quarter of the CPU.
        _logger.LogDebug("Registered agent {AgentId} ({AgentName}) with token {TokenId} from {PeerAddress}", agent.Id, agent.Name, token.Id, peerText);
        return new RegistrationResult(agent, key, lease);
    }

    private static bool AddressAllowed(BootstrapToken token, IPAddress? peer) =>
        token.Cidrs.Count == 0 || (peer is not null && token.Cidrs.Any(c => IPNetwork.Parse(c).Contains(peer)));

    private static Agent BuildAgent(RegistrationRequest request)
    {
        var hostname = Validate.Text("hostname", request.Hostname, 255, required: true);
        if (request.Capabilities.Count > Validate.MaxCapabilities)
        {
            throw DomainException.Invalid($"at most {Validate.MaxCapabilities} capabilities are allowed");
        }

        return new Agent
        {
            Id = "",
            Name = Validate.Text("name", string.IsNullOrWhiteSpace(request.Name) ? hostname : request.Name, 255, required: true),
            Hostname = hostname,
            Os = Validate.Text("os", request.Os, 32, required: true),
            Arch = Validate.Text("arch", request.Arch, 32, required: true),
            Version = Validate.Text("version", request.Version, 64, required: true),
            Labels = Validate.Labels(request.Labels),
            Capabilities = request.Capabilities
                .Select(c => new Capability { Scanner = Validate.ScannerId(c.Scanner), Version = Validate.Text("capability version", c.Version, 64, required: false) })
                .ToList(),
            RegisteredAt = default,
            BootstrapTokenId = "",
        };
    }

    private async Task RefuseAsync(string tokenId, string peer, string reason, CancellationToken cancellationToken)
    {
        await RecordFailureAsync(tokenId, peer, reason, countTowardsThrottle: true, cancellationToken);
        throw new DomainException(ErrorKind.Unauthenticated, TokenRefused);
    }

    private async Task RecordFailureAsync(string tokenId, string peer, string reason, bool countTowardsThrottle, CancellationToken cancellationToken)
    {
        if (countTowardsThrottle)
        {
            _peerFailures.RecordFailure(peer);
            if (tokenId != "")
            {
                _tokenFailures.RecordFailure(tokenId);
            }
        }

        _metrics.Registration(succeeded: false);
        _logger.LogWarning("Registration refused for token {TokenId} from {PeerAddress}: {Reason}", tokenId, peer, reason);
        await _store.RecordRegistrationAttemptAsync(new RegistrationAttempt
        {
            Id = SecretToken.NewId(),
            TokenId = tokenId,
            PeerAddress = peer,
            Succeeded = false,
            Reason = reason,
            Time = _time.GetUtcNow(),
        }, cancellationToken);
    }
}
