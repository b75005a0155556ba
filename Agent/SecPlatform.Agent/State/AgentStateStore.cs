using LiteDB;
using SecPlatform.Agent.Platform;
using SecPlatform.Agent.Policy;
using SecPlatform.Agent.Scanners;
using SecPlatform.Contracts.Secrets;

namespace SecPlatform.Agent.State;

/// <summary>
/// The agent's local state: one LiteDB file, <c>agent.db</c>, in a directory only the agent's user can
/// open (0700, file 0600 on Unix). Collections (schema version <see cref="SchemaVersion"/>, kept in LiteDB's
/// user version; 2 added the outbox collections, 3 the identity's serverPin):
/// <list type="bullet">
/// <item><c>identity</c>: one document <c>_id = "agent"</c>: agentId, agentKey, serverUrl, name, hostname,
/// tenantId (null for platform agents), platform, labels, capabilities [{scanner, version}],
/// leaseDurationSeconds, renewIntervalSeconds, registeredAt, serverPin (absent in files written before version 3: no pin).</item>
/// <item><c>lease</c>: one document <c>_id = "current"</c>: holderIdentity, lastRenewSentAt, lastRenewAt,
/// serverRenewTime, leaseDurationSeconds, renewIntervalSeconds, transitions, drain, cordoned.</item>
/// <item><c>policy</c>: one document <c>_id = "current"</c>: allowedPaths [string], allowedNetworks [string, as
/// <see cref="NetworkRule"/> prints them], allowedScanners ([string], or null for every installed scanner). Kept
/// when the identity changes: it is the installer's decision, not the registration's.</item>
/// <item><c>outbox_batches</c> (the outbox, see <c>AgentStateStore.Outbox.cs</c>): one small document per pending
/// batch of findings, <c>_id</c> an Int64 that grows with each batch (oldest first): batchId, commandId, fencingToken,
/// findingCount, sizeBytes, recordedAt.</item>
/// <item><c>outbox_payloads</c>: the batch's findings, <c>_id</c> the batch's <c>_id</c>: payload (binary, the
/// serialized <c>FindingBatch</c> message as sent). Kept apart so that listing and totals never load findings.</item>
/// <item><c>outbox_completions</c>: one document per pending completion, <c>_id</c> an Int64 (oldest first):
/// commandId, fencingToken, outcome, retryable, exitCode, summary, error, logTail, findingCount, durationMs,
/// truncated, recordedAt, deliveryAttempts.</item>
/// </list>
/// The file is opened in LiteDB's shared mode so <c>status</c> can read while <c>run</c> writes.
/// LiteDB types stay inside this class.
/// </summary>
public sealed partial class AgentStateStore : IDisposable
{
    public const string FileName = "agent.db";
    public const int SchemaVersion = 3;

    private const string IdentityCollection = "identity";
    private const string IdentityId = "agent";
    private const string LeaseCollection = "lease";
    private const string LeaseId = "current";
    private const string PolicyCollection = "policy";
    private const string PolicyId = "current";

    private readonly LiteDatabase _database;

    private AgentStateStore(LiteDatabase database, string filePath)
    {
        _database = database;
        FilePath = filePath;
    }

    public string FilePath { get; }

    /// <summary>Opens the state in <paramref name="directory"/>, creating the directory and file privately if needed.</summary>
    public static AgentStateStore Open(string directory, IAgentPlatform platform)
    {
        var filePath = Path.Combine(directory, FileName);
        try
        {
            platform.RestrictNewFilesToOwner();
            platform.CreatePrivateDirectory(directory);
            platform.CreatePrivateFile(filePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AgentStateException($"cannot create the agent state in {directory}: {e.Message}", e);
        }

        return OpenFile(filePath);
    }

    /// <summary>Opens existing state without creating anything; null when <paramref name="directory"/> holds none.</summary>
    public static AgentStateStore? OpenExisting(string directory, IAgentPlatform platform)
    {
        var filePath = Path.Combine(directory, FileName);
        if (!File.Exists(filePath))
        {
            ThrowIfUnreadable(directory);
            return null;
        }

        platform.RestrictNewFilesToOwner();
        return OpenFile(filePath);
    }

    public AgentIdentity? GetIdentity() => Guard(() =>
    {
        var document = _database.GetCollection(IdentityCollection).FindById(IdentityId);
        return document is null ? null : ToIdentity(document);
    });

    /// <summary>Stores a new identity; the previous identity's lease view goes with it.</summary>
    public void SaveIdentity(AgentIdentity identity) => Guard(() =>
    {
        _database.BeginTrans();
        try
        {
            _database.GetCollection(IdentityCollection).Upsert(ToDocument(identity));
            _database.GetCollection(LeaseCollection).DeleteAll();
            _database.Commit();
        }
        catch
        {
            _database.Rollback();
            throw;
        }

        return true;
    });

    /// <summary>Records the capabilities last reported to the control plane.</summary>
    public void UpdateCapabilities(IReadOnlyList<ScannerCapability> capabilities) => Guard(() =>
    {
        var identities = _database.GetCollection(IdentityCollection);
        var document = identities.FindById(IdentityId);
        if (document is not null)
        {
            document["capabilities"] = ToArray(capabilities);
            identities.Update(document);
        }

        return true;
    });

    /// <summary>Forgets the identity and its lease view.</summary>
    public void DeleteIdentity() => Guard(() =>
    {
        _database.BeginTrans();
        try
        {
            _database.GetCollection(IdentityCollection).DeleteAll();
            _database.GetCollection(LeaseCollection).DeleteAll();
            _database.Commit();
        }
        catch
        {
            _database.Rollback();
            throw;
        }

        return true;
    });

    public LeaseState? GetLease() => Guard(() =>
    {
        var document = _database.GetCollection(LeaseCollection).FindById(LeaseId);
        return document is null ? null : ToLease(document);
    });

    public void SaveLease(LeaseState lease) => Guard(() => _database.GetCollection(LeaseCollection).Upsert(ToDocument(lease)));

    /// <summary>The local policy; <see cref="AgentPolicy.Nothing"/> when none was ever set.</summary>
    public AgentPolicy GetPolicy() => Guard(() =>
    {
        var document = _database.GetCollection(PolicyCollection).FindById(PolicyId);
        return document is null ? AgentPolicy.Nothing : ToPolicy(document);
    });

    /// <summary>Replaces the local policy.</summary>
    public void SavePolicy(AgentPolicy policy) => Guard(() => _database.GetCollection(PolicyCollection).Upsert(ToDocument(policy)));

    public void Dispose() => _database.Dispose();

    private static AgentStateStore OpenFile(string filePath)
    {
        try
        {
            var database = new LiteDatabase(new ConnectionString { Filename = filePath, Connection = ConnectionType.Shared });
            if (database.UserVersion < SchemaVersion)
            {
                database.UserVersion = SchemaVersion;
            }

            return new AgentStateStore(database, filePath);
        }
        catch (Exception e) when (e is LiteException or IOException or UnauthorizedAccessException)
        {
            throw new AgentStateException($"cannot open the agent state {filePath}: {e.Message}", e);
        }
    }

    // A private directory hides its files from other users; say so rather than "not registered".
    private static void ThrowIfUnreadable(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                using var entries = Directory.EnumerateFileSystemEntries(directory).GetEnumerator();
                entries.MoveNext();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AgentStateException($"cannot read the agent state in {directory} ({e.Message}); run as the agent's user", e);
        }
    }

    private T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is LiteException or IOException or UnauthorizedAccessException)
        {
            throw new AgentStateException($"cannot use the agent state {FilePath}: {e.Message}", e);
        }
    }

    private static BsonDocument ToDocument(AgentIdentity identity)
    {
        var labels = new BsonDocument();
        foreach (var (key, value) in identity.Labels)
        {
            labels[key] = value;
        }

        return new BsonDocument
        {
            ["_id"] = IdentityId,
            ["agentId"] = identity.AgentId,
            ["agentKey"] = identity.AgentKey.Value,
            ["serverUrl"] = identity.Server.ToString(),
            ["name"] = identity.Name,
            ["hostname"] = identity.Hostname,
            ["tenantId"] = identity.TenantId is null ? BsonValue.Null : identity.TenantId,
            ["platform"] = identity.Platform,
            ["labels"] = labels,
            ["capabilities"] = ToArray(identity.Capabilities),
            ["leaseDurationSeconds"] = identity.LeaseDurationSeconds,
            ["renewIntervalSeconds"] = identity.RenewIntervalSeconds,
            ["registeredAt"] = identity.RegisteredAt.UtcDateTime,
            ["serverPin"] = identity.ServerPin is null ? BsonValue.Null : identity.ServerPin,
        };
    }

    private static AgentIdentity ToIdentity(BsonDocument document)
    {
        if (!SecretToken.TryParse(document["agentKey"].AsString, SecretKind.AgentKey, out var key))
        {
            throw new AgentStateException("the stored agent key is malformed; register again with --force");
        }

        return new AgentIdentity(
            AgentId: document["agentId"].AsString,
            AgentKey: key,
            Server: new Uri(document["serverUrl"].AsString),
            Name: document["name"].AsString,
            Hostname: document["hostname"].AsString,
            TenantId: document["tenantId"].IsNull ? null : document["tenantId"].AsString,
            Platform: document["platform"].AsBoolean,
            Labels: document["labels"].AsDocument.ToDictionary(pair => pair.Key, pair => pair.Value.AsString),
            Capabilities: [.. document["capabilities"].AsArray.Select(item => new ScannerCapability(item["scanner"].AsString, item["version"].AsString))],
            LeaseDurationSeconds: document["leaseDurationSeconds"].AsInt32,
            RenewIntervalSeconds: document["renewIntervalSeconds"].AsInt32,
            RegisteredAt: Utc(document["registeredAt"]),
            ServerPin: document.TryGetValue("serverPin", out var pin) && pin.IsString ? pin.AsString : null);
    }

    private static BsonDocument ToDocument(LeaseState lease) => new()
    {
        ["_id"] = LeaseId,
        ["holderIdentity"] = lease.HolderIdentity,
        ["lastRenewSentAt"] = lease.LastRenewSentAt.UtcDateTime,
        ["lastRenewAt"] = lease.LastRenewAt.UtcDateTime,
        ["serverRenewTime"] = lease.ServerRenewTime is { } serverTime ? serverTime.UtcDateTime : BsonValue.Null,
        ["leaseDurationSeconds"] = lease.LeaseDurationSeconds,
        ["renewIntervalSeconds"] = lease.RenewIntervalSeconds,
        ["transitions"] = lease.Transitions,
        ["drain"] = lease.Drain,
        ["cordoned"] = lease.Cordoned,
    };

    private static LeaseState ToLease(BsonDocument document) => new(
        HolderIdentity: document["holderIdentity"].AsString,
        LastRenewSentAt: Utc(document["lastRenewSentAt"]),
        LastRenewAt: Utc(document["lastRenewAt"]),
        ServerRenewTime: document["serverRenewTime"].IsNull ? null : Utc(document["serverRenewTime"]),
        LeaseDurationSeconds: document["leaseDurationSeconds"].AsInt32,
        RenewIntervalSeconds: document["renewIntervalSeconds"].AsInt32,
        Transitions: document["transitions"].AsInt64,
        Drain: document["drain"].AsBoolean,
        Cordoned: document["cordoned"].AsBoolean);

    private static BsonDocument ToDocument(AgentPolicy policy) => new()
    {
        ["_id"] = PolicyId,
        ["allowedPaths"] = new BsonArray(policy.PathRoots.Select(path => new BsonValue(path))),
        ["allowedNetworks"] = new BsonArray(policy.Networks.Select(rule => new BsonValue(rule.ToString()))),
        ["allowedScanners"] = policy.Scanners is null ? BsonValue.Null : new BsonArray(policy.Scanners.Select(id => new BsonValue(id))),
    };

    private static AgentPolicy ToPolicy(BsonDocument document)
    {
        try
        {
            return new AgentPolicy(
                [.. document["allowedPaths"].AsArray.Select(value => value.AsString)],
                [.. document["allowedNetworks"].AsArray.Select(value => NetworkRule.Parse(value.AsString))],
                document["allowedScanners"].IsNull ? null : [.. document["allowedScanners"].AsArray.Select(value => value.AsString)]);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or NullReferenceException)
        {
            throw new AgentStateException($"the stored local policy is malformed ({e.Message}); set it again with 'secplat-agent policy set'", e);
        }
    }

    private static BsonArray ToArray(IReadOnlyList<ScannerCapability> capabilities) =>
        new(capabilities.Select(capability => (BsonValue)new BsonDocument { ["scanner"] = capability.Scanner, ["version"] = capability.Version }));

    // LiteDB hands dates back in local time.
    private static DateTimeOffset Utc(BsonValue value) => new(value.AsDateTime.ToUniversalTime(), TimeSpan.Zero);
}
