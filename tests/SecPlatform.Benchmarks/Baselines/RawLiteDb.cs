using System.Globalization;
using LiteDB;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.Contracts.Secrets;

namespace SecPlatform.Benchmarks.Baselines;

/// <summary>
/// The LiteDB store's operations done directly on a bare LiteDB file in this process, one thread, no service, no
/// gRPC, no mapping to typed documents: the same collections, the same indexes and document shapes (snake_case
/// fields, UTC ticks), the same reads and writes per operation, each in one LiteDB transaction as the store does.
/// </summary>
internal sealed class RawLiteDb : IDisposable
{
    private const string Tenant = "rawtenant001";
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _commands;
    private readonly ILiteCollection<BsonDocument> _queueState;
    private readonly ILiteCollection<BsonDocument> _agents;
    private readonly ILiteCollection<BsonDocument> _findings;
    private readonly ILiteCollection<BsonDocument> _observations;
    private readonly List<string> _agentIds = [];
    private int _nextAgent;
    private string _ingestCommand = "";

    public RawLiteDb(string path)
    {
        _db = new LiteDatabase(new ConnectionString
        {
            Filename = path,
            Connection = ConnectionType.Direct,
            Collation = new Collation(CultureInfo.InvariantCulture.LCID, CompareOptions.Ordinal),
        });
        _commands = _db.GetCollection("commands");
        _queueState = _db.GetCollection("tenant_queue_state");
        _agents = _db.GetCollection("agents");
        _findings = _db.GetCollection("findings");
        _observations = _db.GetCollection("finding_observations");
        foreach (var index in new[] { "queue_key", "queued_expires_at", "status", "tenant_idempotency_key", "agent_id", "stop_agent_id", "tenant_id", "sort" })
        {
            _commands.EnsureIndex(index, "$." + index);
        }

        _queueState.EnsureIndex("last_served", "$.last_served");
        _agents.EnsureIndex("tenant_id", "$.tenant_id");
        _agents.EnsureIndex("sort", "$.sort");
        _agents.EnsureIndex("lease_expires_at", "$.lease.expires_at");
        _findings.EnsureIndex("tenant_fingerprint", "$.tenant_fingerprint", unique: true);
        _findings.EnsureIndex("tenant_sort", "$.tenant_sort");
        _findings.EnsureIndex("sort", "$.sort");
        _findings.EnsureIndex("scan_scope", "$.scan_scope");
        _observations.EnsureIndex("attempt_sort", "$.attempt_sort");
    }

    /// <summary>Queued commands as the store keeps them (queue key = tenant | claim order | id), plus agents and the ingest's command.</summary>
    public void Seed(int commands, int agents)
    {
        var now = DateTimeOffset.UtcNow;
        _db.BeginTrans();
        var batch = new List<BsonDocument>(commands);
        for (var i = 0; i < commands; i++)
        {
            var at = now.AddHours(-1).AddTicks(i * 100L);
            batch.Add(Command(SecretToken.NewId(), at));
        }

        _commands.InsertBulk(batch);
        _queueState.Insert(new BsonDocument { ["_id"] = Tenant, ["last_served"] = 0L });
        for (var i = 0; i < agents; i++)
        {
            var id = SecretToken.NewId();
            _agentIds.Add(id);
            _agents.Insert(Agent(id, now));
        }

        _ingestCommand = SecretToken.NewId();
        var claimed = Command(_ingestCommand, now);
        claimed["status"] = "Claimed";
        claimed["agent_id"] = "rawagent0001";
        claimed["fencing_token"] = 1L;
        claimed["attempt"] = 1;
        claimed.Remove("queue_key");
        claimed.Remove("queued_expires_at");
        _commands.Insert(claimed);
        _db.Commit();
    }

    /// <summary>The store's claim of one command for a tenant agent: first eligible in claim order, claimed, tenant marked served.</summary>
    public bool Claim()
    {
        var now = DateTimeOffset.UtcNow;
        _db.BeginTrans();
        try
        {
            var ticks = new BsonValue(now.UtcTicks);
            var document = _commands.Query()
                .Where(BsonExpression.Create("$.queue_key BETWEEN @0 AND @1", new BsonValue(Tenant + "|"), new BsonValue(Tenant + "}")))
                .Where(BsonExpression.Create("$.available_at <= @0", ticks))
                .Where(BsonExpression.Create("$.expires_at > @0", ticks))
                .Where(BsonExpression.Create("($.target_agent_id = null OR $.target_agent_id = @0)", new BsonValue("rawagent0001")))
                .Where(BsonExpression.Create("$.required_capabilities[*] ALL IN @0", new BsonArray(new BsonValue("shellcheck"))))
                .OrderBy("$.queue_key")
                .ToEnumerable()
                .FirstOrDefault();
            if (document is null)
            {
                _db.Rollback();
                return false;
            }

            var attempt = document["attempt"].AsInt32 + 1;
            document["status"] = "Claimed";
            document["attempt"] = attempt;
            document["fencing_token"] = (long)attempt;
            document["agent_id"] = "rawagent0001";
            document["holder_identity"] = "raw-holder";
            document["claimed_at"] = now.UtcTicks;
            document["deadline"] = now.AddSeconds(600).UtcTicks;
            document["status_reason"] = "";
            document.Remove("queue_key");
            document.Remove("queued_expires_at");
            _commands.Update(document);
            var last = _queueState.Query().OrderByDescending("$.last_served").Limit(1).FirstOrDefault()?["last_served"].AsInt64 ?? 0;
            _queueState.Upsert(new BsonDocument { ["_id"] = Tenant, ["last_served"] = last + 1 });
            _db.Commit();
            return true;
        }
        catch
        {
            _db.Rollback();
            throw;
        }
    }

    /// <summary>
    /// The store's renewal: the agent document (lease embedded) read by id, changed, written back. The agents take
    /// turns, as the API run's agents renewing back to back do (seed as many as that run has).
    /// </summary>
    public void Renew()
    {
        var now = DateTimeOffset.UtcNow;
        _db.BeginTrans();
        var agent = _agents.FindById(_agentIds[_nextAgent++ % _agentIds.Count]);
        var lease = agent["lease"].AsDocument;
        lease["held"] = true;
        lease["lease_duration_seconds"] = 40;
        lease["renew_time"] = now.UtcTicks;
        lease["expires_at"] = now.AddSeconds(40).UtcTicks;
        agent["version"] = "bench";
        _agents.Update(agent);
        _db.Commit();
    }

    /// <summary>The store's ingest of one batch of new findings: command check, two index reads, bulk inserts.</summary>
    public void Ingest(IReadOnlyList<Finding> findings)
    {
        var now = DateTimeOffset.UtcNow;
        _db.BeginTrans();
        var command = _commands.FindById(_ingestCommand);
        var prefix = _ingestCommand + "|" + command["attempt"].AsInt32.ToString("D10", CultureInfo.InvariantCulture) + "|";
        var delivered = _observations.Query()
            .Where(BsonExpression.Create("$._id IN @0", new BsonArray(findings.Select(f => new BsonValue(prefix + f.Fingerprint)))))
            .Select("$._id")
            .ToDocuments()
            .Count();
        var known = _findings.Find(BsonExpression.Create("$.tenant_fingerprint IN @0",
            new BsonArray(findings.Select(f => new BsonValue(Tenant + "|" + f.Fingerprint))))).Count();
        if (delivered + known != 0)
        {
            throw new InvalidOperationException("the raw ingest batch was expected to be new");
        }

        var inserts = new List<BsonDocument>(findings.Count);
        var observations = new List<BsonDocument>(findings.Count);
        foreach (var f in findings)
        {
            var id = SecretToken.NewId();
            var sort = now.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "|" + id;
            inserts.Add(new BsonDocument
            {
                ["_id"] = id,
                ["tenant_id"] = Tenant,
                ["observed"] = new BsonDocument
                {
                    ["fingerprint"] = f.Fingerprint, ["scanner"] = f.Scanner, ["rule_id"] = f.RuleId, ["title"] = f.Title,
                    ["severity"] = "Medium", ["asset_kind"] = f.AssetKind, ["asset_value"] = f.AssetValue, ["host"] = f.Host,
                    ["file"] = f.File, ["line"] = f.Line, ["column"] = f.Column, ["port"] = f.Port, ["protocol"] = f.Protocol,
                    ["message"] = f.Message, ["cves"] = new BsonArray(f.Cves.Select(c => new BsonValue(c))),
                    ["cwes"] = new BsonArray(f.Cwes.Select(c => new BsonValue(c))), ["evidence"] = f.Evidence,
                },
                ["first_seen"] = now.UtcTicks,
                ["last_seen"] = now.UtcTicks,
                ["occurrences"] = 1L,
                ["last_command_id"] = _ingestCommand,
                ["status"] = "open",
                ["sort"] = sort,
                ["tenant_fingerprint"] = Tenant + "|" + f.Fingerprint,
                ["tenant_sort"] = Tenant + "|" + sort,
                ["scan_scope"] = Tenant + "|" + f.Scanner + "|" + f.Host + "|",
            });
            observations.Add(new BsonDocument
            {
                ["_id"] = prefix + f.Fingerprint,
                ["command_id"] = _ingestCommand,
                ["attempt"] = 1,
                ["fingerprint"] = f.Fingerprint,
                ["tenant_id"] = Tenant,
                ["finding_id"] = id,
                ["observed_at"] = now.UtcTicks,
                ["attempt_sort"] = prefix + sort,
            });
        }

        _findings.Insert(inserts);
        _observations.Insert(observations);
        _db.Commit();
    }

    public void Dispose() => _db.Dispose();

    private static BsonDocument Command(string id, DateTimeOffset at) => new()
    {
        ["_id"] = id,
        ["tenant_id"] = Tenant,
        ["scanner"] = "shellcheck",
        ["parameters"] = new BsonArray((BsonValue)new BsonDocument { ["key"] = "path", ["value"] = "/srv/app" }),
        ["selector_labels"] = new BsonArray(),
        ["required_capabilities"] = new BsonArray(new BsonValue("shellcheck")),
        ["priority"] = 0,
        ["max_attempts"] = 3,
        ["attempt"] = 0,
        ["timeout_seconds"] = 600,
        ["not_before"] = at.UtcTicks,
        ["expires_at"] = at.AddDays(2).UtcTicks,
        ["request_hash"] = new string('a', 64),
        ["status"] = "Queued",
        ["status_reason"] = "",
        ["available_at"] = at.UtcTicks,
        ["claim_sort_key"] = at.UtcTicks,
        ["fencing_token"] = 0L,
        ["cancel_requested"] = false,
        ["stop_requested"] = false,
        ["created_at"] = at.UtcTicks,
        ["created_by"] = "bench",
        ["summary"] = "",
        ["error"] = "",
        ["log_tail"] = "",
        ["truncated"] = false,
        ["progress_percent"] = 0,
        ["progress_message"] = "",
        ["sort"] = at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "|" + id,
        ["queue_key"] = Tenant + "|" + at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "|" + id,
        ["queued_expires_at"] = at.AddDays(2).UtcTicks,
    };

    private static BsonDocument Agent(string id, DateTimeOffset now) => new()
    {
        ["_id"] = id,
        ["name"] = "raw-" + id,
        ["hostname"] = "raw-" + id + ".bench.internal",
        ["os"] = "linux",
        ["arch"] = "x64",
        ["version"] = "0.1.0-bench",
        ["tenant_id"] = Tenant,
        ["labels"] = new BsonArray(),
        ["capabilities"] = new BsonArray((BsonValue)new BsonDocument { ["scanner"] = "shellcheck", ["version"] = "0.9.0" }),
        ["registered_at"] = now.UtcTicks,
        ["bootstrap_token_id"] = "rawtoken0001",
        ["cordoned"] = false,
        ["draining"] = false,
        ["lease"] = new BsonDocument
        {
            ["holder_identity"] = "raw-holder-" + id,
            ["held"] = true,
            ["lease_duration_seconds"] = 40,
            ["acquire_time"] = now.UtcTicks,
            ["renew_time"] = now.UtcTicks,
            ["expires_at"] = now.AddSeconds(40).UtcTicks,
            ["lease_transitions"] = 0L,
        },
        ["sort"] = now.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "|" + id,
    };
}
