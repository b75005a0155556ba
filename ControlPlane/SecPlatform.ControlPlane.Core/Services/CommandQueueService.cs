using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SecPlatform.Contracts.Scanners;
using SecPlatform.Contracts.Secrets;
using SecPlatform.ControlPlane.Core.Domain;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>The admin's side of the queue: enqueue (with idempotency), get, list, cancel.</summary>
public sealed class CommandQueueService(
    IControlPlaneStore store,
    ICommandQueueStore queue,
    TenantManager tenants,
    AuditLog audit,
    CommandSignal signal,
    TimeProvider time)
{
    public const int DefaultMaxAttempts = 3;
    public const int DefaultTimeoutSeconds = 600;
    public const long DefaultExpiresInSeconds = 86_400;

    public async Task<Command> EnqueueAsync(AdminPrincipal caller, EnqueueRequest request, CancellationToken cancellationToken)
    {
        Permissions.RequireWrite(caller, "queue scans");
        // A tenant-bound admin may leave the tenant out: it can only be their own.
        var tenantNameOrId = string.IsNullOrWhiteSpace(request.Tenant) && caller.TenantId is not null ? caller.TenantId : request.Tenant;
        var tenant = await tenants.ResolveAsync(caller, tenantNameOrId, cancellationToken);
        if (!string.IsNullOrEmpty(request.Profile))
        {
            request = await FromProfileAsync(tenant, request, cancellationToken);
        }

        var scan = await ValidateAsync(caller, tenant, request.Scanner, request.Parameters, request.AgentId, request.Labels,
            request.RequiredCapabilities, request.Priority, request.MaxAttempts, request.TimeoutSeconds, cancellationToken);
        var (spec, agentId, labels, capabilities) = (scan.Spec, scan.AgentId, scan.Labels, scan.Capabilities);
        var (priority, maxAttempts, timeout) = (scan.Priority, scan.MaxAttempts, scan.TimeoutSeconds);
        var expiresIn = request.ExpiresInSeconds == 0 ? DefaultExpiresInSeconds : InRange("expires_in_seconds", request.ExpiresInSeconds, 1, 604_800);
        var key = string.IsNullOrEmpty(request.IdempotencyKey) ? null : Validate.Text("idempotency_key", request.IdempotencyKey, 200, required: true);
        var now = time.GetUtcNow();
        var notBefore = request.NotBefore ?? now;
        var expiresAt = (request.NotBefore is { } nb && nb > now ? nb : now).AddSeconds(expiresIn);

        object?[] canonical = [tenant.Id, spec.Id, request.Parameters, agentId, labels, capabilities, priority, maxAttempts, timeout, request.NotBefore, expiresIn];
        // A profile's name joins the hash only when there is one, so the hashes of earlier plain requests still match.
        var requestHash = Hash(request.Profile is null ? canonical : [.. canonical, "profile:" + request.Profile]);
        var command = new Command
        {
            Id = SecretToken.NewId(),
            TenantId = tenant.Id,
            Scanner = spec.Id,
            Parameters = new Dictionary<string, string>(request.Parameters),
            TargetAgentId = agentId,
            SelectorLabels = labels,
            RequiredCapabilities = capabilities,
            Priority = priority,
            MaxAttempts = maxAttempts,
            TimeoutSeconds = timeout,
            NotBefore = notBefore,
            ExpiresAt = expiresAt,
            IdempotencyKey = key,
            ProfileName = request.Profile,
            RequestHash = requestHash,
            Status = CommandStatus.Queued,
            AvailableAt = notBefore,
            SortKey = Command.ComputeSortKey(notBefore, priority),
            CreatedAt = now,
            CreatedBy = caller.AdminId,
        };
        var (stored, created) = await queue.EnqueueCommandAsync(command, cancellationToken);
        if (!created)
        {
            if (stored.RequestHash != requestHash)
            {
                throw new DomainException(ErrorKind.AlreadyExists,
                    $"idempotency key '{key}' was already used for a different request (command {stored.Id})");
            }

            return stored;
        }

        // One waiter of this replica for the one new command, before the audit write: the clock of a dispatch runs from
        // the enqueue to the agent, and the audit record is not what the agent waits for. A command not yet due wakes
        // no one (its waiter would find nothing): the polls' next looks find it. Other replicas learn of it by NOTIFY.
        if (stored.AvailableAt <= stored.CreatedAt)
        {
            signal.Wake(stored.TenantId, WakeHint.Of(stored));
            await queue.AnnounceCommandAsync(stored, cancellationToken);
        }

        await audit.RecordAsync(caller, "command.enqueue", "command", stored.Id, tenant.Id, AuditLog.Succeeded,
            $"scanner={spec.Id} priority={priority}", cancellationToken);
        return stored;
    }

    public async Task<Command> GetAsync(AdminPrincipal caller, string? id, CancellationToken cancellationToken)
    {
        var commandId = Validate.Id("id", id);
        var command = await queue.GetCommandAsync(commandId, cancellationToken);
        if (command is null || !caller.CanSee(command.TenantId))
        {
            throw DomainException.NotFound("command", commandId);
        }

        return command;
    }

    public async Task<IReadOnlyList<Command>> ListAsync(AdminPrincipal caller, string? tenant, string? statuses, string? agentId,
        PageRequest page, CancellationToken cancellationToken)
    {
        var tenantId = caller.TenantId;
        if (!string.IsNullOrWhiteSpace(tenant))
        {
            tenantId = (await tenants.ResolveAsync(caller, tenant, cancellationToken)).Id;
        }

        var statusFilter = ParseStatuses(statuses);
        var agent = string.IsNullOrEmpty(agentId) ? null : Validate.Id("agent_id", agentId);
        return await queue.ListCommandsAsync(new CommandQuery(tenantId, statusFilter, agent), page, cancellationToken);
    }

    public async Task<Command> CancelAsync(AdminPrincipal caller, string? id, CancellationToken cancellationToken)
    {
        Permissions.RequireWrite(caller, "cancel commands");
        var command = await GetAsync(caller, id, cancellationToken);
        var canceled = await queue.CancelCommandAsync(command.Id, time.GetUtcNow(), cancellationToken)
            ?? throw DomainException.NotFound("command", command.Id);
        if (!command.Status.IsTerminal())
        {
            await audit.RecordAsync(caller, "command.cancel", "command", command.Id, command.TenantId, AuditLog.Succeeded,
                $"was {command.Status.Word()}", cancellationToken);
        }

        return canceled;
    }

    /// <summary>
    /// The checks of an enqueue on what it would run (scanner and parameters against the catalog, the agent, labels,
    /// capabilities, priority, attempts, timeout), with defaults applied. Scan profiles are checked by the same code.
    /// </summary>
    internal async Task<ValidatedScan> ValidateAsync(AdminPrincipal caller, Tenant tenant, string? scanner,
        IReadOnlyDictionary<string, string> parameters, string? agentIdText, IReadOnlyDictionary<string, string> selectorLabels,
        IReadOnlyList<string> requiredCapabilities, int priorityValue, int maxAttemptsValue, int timeoutSeconds, CancellationToken cancellationToken)
    {
        var spec = ScannerCatalog.Find(scanner ?? "")
            ?? throw DomainException.Invalid($"unknown scanner '{scanner}'; the catalog has: {string.Join(", ", ScannerCatalog.All.Select(s => s.Id))}");
        var problems = ScannerCatalog.Validate(spec, parameters);
        if (problems.Count > 0)
        {
            throw DomainException.Invalid(string.Join("; ", problems));
        }

        string? agentId = null;
        if (!string.IsNullOrEmpty(agentIdText))
        {
            agentId = Validate.Id("agent_id", agentIdText);
            var agent = await store.GetAgentAsync(agentId, cancellationToken);
            // A platform agent may serve any tenant, a tenant agent only its own.
            if (agent is null || !caller.CanSee(agent.Agent.TenantId) || (agent.Agent.TenantId is not null && agent.Agent.TenantId != tenant.Id))
            {
                throw DomainException.NotFound("agent", agentId);
            }
        }

        var labels = Validate.Labels(selectorLabels);
        var capabilities = requiredCapabilities.Select(Validate.ScannerId).Append(spec.Id).Distinct().Order(StringComparer.Ordinal).ToList();
        if (capabilities.Count > Validate.MaxCapabilities)
        {
            throw DomainException.Invalid($"at most {Validate.MaxCapabilities} required capabilities are allowed");
        }

        var priority = InRange("priority", priorityValue, -100, 100);
        var maxAttempts = maxAttemptsValue == 0 ? DefaultMaxAttempts : InRange("max_attempts", maxAttemptsValue, 1, 10);
        var timeout = timeoutSeconds == 0 ? DefaultTimeoutSeconds : InRange("timeout_seconds", timeoutSeconds, 1, 86_400);
        return new ValidatedScan(spec, new Dictionary<string, string>(parameters), agentId, labels, capabilities, priority, maxAttempts, timeout);
    }

    /// <summary>The request with the profile's scan in place: only the scheduling fields may come with a profile.</summary>
    private async Task<EnqueueRequest> FromProfileAsync(Tenant tenant, EnqueueRequest request, CancellationToken cancellationToken)
    {
        var name = Validate.ProfileName(request.Profile);
        if (!string.IsNullOrEmpty(request.Scanner) || request.Parameters.Count > 0 || !string.IsNullOrEmpty(request.AgentId)
            || request.Labels.Count > 0 || request.RequiredCapabilities.Count > 0 || request.Priority != 0 || request.MaxAttempts != 0
            || request.TimeoutSeconds != 0)
        {
            throw DomainException.Invalid(
                "a scan from a profile takes only not_before, expires_in_seconds and idempotency_key; the scanner, parameters, target, " +
                "priority, attempts and timeout come from the profile (create another profile to change them)");
        }

        var profile = await store.FindScanProfileAsync(tenant.Id, name, cancellationToken)
            ?? throw DomainException.NotFound("scan profile", name);
        return request with
        {
            Scanner = profile.Scanner,
            Parameters = profile.Parameters,
            AgentId = profile.TargetAgentId,
            Labels = profile.SelectorLabels,
            RequiredCapabilities = profile.RequiredCapabilities,
            Priority = profile.Priority,
            MaxAttempts = profile.MaxAttempts,
            TimeoutSeconds = profile.TimeoutSeconds,
            Profile = profile.Name,
        };
    }

    public static IReadOnlyCollection<CommandStatus>? ParseStatuses(string? statuses)
    {
        if (string.IsNullOrWhiteSpace(statuses))
        {
            return null;
        }

        return statuses.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(word => Enum.TryParse<CommandStatus>(word, ignoreCase: true, out var status) && Enum.IsDefined(status)
                ? status
                : throw DomainException.Invalid($"unknown status '{word}'; use queued, claimed, running, succeeded, failed, canceled, expired"))
            .ToHashSet();
    }

    private static T InRange<T>(string field, T value, T min, T max) where T : IComparable<T> =>
        value.CompareTo(min) < 0 || value.CompareTo(max) > 0
            ? throw DomainException.Invalid($"{field} must be between {min} and {max}")
            : value;

    // The canonical request, hashed: a repeat with the same key must be the same request.
    private static string Hash(params object?[] parts)
    {
        var canonical = JsonSerializer.Serialize(parts.Select(p => p switch
        {
            IReadOnlyDictionary<string, string> d => (object)d.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new[] { kv.Key, kv.Value }).ToList(),
            DateTimeOffset t => t.UtcTicks,
            _ => p,
        }));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
