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
        var tenant = await tenants.ResolveAsync(caller, request.Tenant, cancellationToken);
        var spec = ScannerCatalog.Find(request.Scanner ?? "")
            ?? throw DomainException.Invalid($"unknown scanner '{request.Scanner}'; the catalog has: {string.Join(", ", ScannerCatalog.All.Select(s => s.Id))}");
        var problems = ScannerCatalog.Validate(spec, request.Parameters);
        if (problems.Count > 0)
        {
            throw DomainException.Invalid(string.Join("; ", problems));
        }

        string? agentId = null;
        if (!string.IsNullOrEmpty(request.AgentId))
        {
            agentId = Validate.Id("agent_id", request.AgentId);
            var agent = await store.GetAgentAsync(agentId, cancellationToken);
            // A platform agent may serve any tenant, a tenant agent only its own.
            if (agent is null || !caller.CanSee(agent.Agent.TenantId) || (agent.Agent.TenantId is not null && agent.Agent.TenantId != tenant.Id))
            {
                throw DomainException.NotFound("agent", agentId);
            }
        }

        var labels = Validate.Labels(request.Labels);
        var capabilities = request.RequiredCapabilities.Select(Validate.ScannerId).Append(spec.Id).Distinct().Order(StringComparer.Ordinal).ToList();
        if (capabilities.Count > Validate.MaxCapabilities)
        {
            throw DomainException.Invalid($"at most {Validate.MaxCapabilities} required capabilities are allowed");
        }

        var priority = InRange("priority", request.Priority, -100, 100);
        var maxAttempts = request.MaxAttempts == 0 ? DefaultMaxAttempts : InRange("max_attempts", request.MaxAttempts, 1, 10);
        var timeout = request.TimeoutSeconds == 0 ? DefaultTimeoutSeconds : InRange("timeout_seconds", request.TimeoutSeconds, 1, 86_400);
        var expiresIn = request.ExpiresInSeconds == 0 ? DefaultExpiresInSeconds : InRange("expires_in_seconds", request.ExpiresInSeconds, 1, 604_800);
        var key = string.IsNullOrEmpty(request.IdempotencyKey) ? null : Validate.Text("idempotency_key", request.IdempotencyKey, 200, required: true);
        var now = time.GetUtcNow();
        var notBefore = request.NotBefore ?? now;
        var expiresAt = (request.NotBefore is { } nb && nb > now ? nb : now).AddSeconds(expiresIn);

        var requestHash = Hash(tenant.Id, spec.Id, request.Parameters, agentId, labels, capabilities, priority, maxAttempts, timeout, request.NotBefore, expiresIn);
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

        await audit.RecordAsync(caller, "command.enqueue", "command", stored.Id, tenant.Id, AuditLog.Succeeded,
            $"scanner={spec.Id} priority={priority}", cancellationToken);
        signal.Notify();
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
