using System.Globalization;
using SecPlatform.Contracts.Agent.V1;

namespace SecPlatform.Benchmarks.Swarm;

/// <summary>
/// Realistic findings, all distinct (new to the tenant): shellcheck-style, a ~130-character message, one CWE, a CVE on
/// every third, bounded evidence. The fingerprint is 64 hex characters: a per-factory prefix and a counter.
/// </summary>
internal sealed class FindingFactory
{
    private readonly string _prefix = Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.NextInt64()));
    private long _next;

    public Finding Next()
    {
        var n = Interlocked.Increment(ref _next);
        var file = $"/srv/app/scripts/deploy-{n % 997}.sh";
        var finding = new Finding
        {
            Fingerprint = _prefix + n.ToString("x48", CultureInfo.InvariantCulture),
            Scanner = "shellcheck",
            RuleId = "SC2086",
            Title = "Double quote to prevent globbing and word splitting",
            Severity = Severity.Medium,
            AssetKind = "path",
            AssetValue = file,
            Host = "web-1.bench.internal",
            File = file,
            Line = (int)(n % 500) + 1,
            Column = (int)(n % 80) + 1,
            Message = $"Double quote to prevent globbing and word splitting: the expansion of $TARGET_DIR at line {n % 500 + 1} may split on spaces or expand wildcards.",
            Evidence = "rsync -a $SOURCE_DIR/ $TARGET_DIR/ --delete --exclude '*.tmp'",
            Cwes = { "CWE-78" },
        };
        if (n % 3 == 0)
        {
            finding.Cves.Add("CVE-2024-3094");
        }

        return finding;
    }

    public FindingBatch Batch(int size, string commandId, long fencingToken)
    {
        var batch = new FindingBatch { BatchId = Guid.NewGuid().ToString("n"), CommandId = commandId, FencingToken = fencingToken };
        for (var i = 0; i < size; i++)
        {
            batch.Findings.Add(Next());
        }

        return batch;
    }
}
