using System.Diagnostics.Metrics;
using SecPlatform.ControlPlane.Core.Storage;

namespace SecPlatform.ControlPlane.Core.Services;

/// <summary>The control plane's own metrics (exported at /metrics in Prometheus format by the host).</summary>
public sealed class ControlPlaneMetrics
{
    public const string MeterName = "SecPlatform.ControlPlane";

    private readonly Counter<long> _registrations;
    private readonly Counter<long> _leaseConflicts;
    private readonly Counter<long> _leaseExpiries;
    private readonly Counter<long> _adminAuthFailures;
    private readonly Counter<long> _overloaded;
    private long _auditHeadCount;
    private IReadOnlyList<QueueDepth> _queueDepth = [];

    public ControlPlaneMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _registrations = meter.CreateCounter<long>("secplat.registrations", description: "Agent registration attempts by outcome");
        _leaseConflicts = meter.CreateCounter<long>("secplat.lease.conflicts",
            description: "Renewals refused because another process holds the agent's lease (e.g. a cloned machine)");
        _leaseExpiries = meter.CreateCounter<long>("secplat.lease.expiries", description: "Leases ended by the reaper");
        _adminAuthFailures = meter.CreateCounter<long>("secplat.admin.auth_failures", description: "Refused admin keys");
        _overloaded = meter.CreateCounter<long>("secplat.overloaded",
            description: "Calls answered UNAVAILABLE because the store had no free connection within its short wait");
        meter.CreateObservableGauge("secplat.audit.head_count", () => Interlocked.Read(ref _auditHeadCount),
            description: "Rows in the admin audit chain; a drop means the tail was cut");
        meter.CreateObservableGauge("secplat.queue.depth", () => Volatile.Read(ref _queueDepth).Select(d => new Measurement<long>(d.Count,
                new KeyValuePair<string, object?>("tenant", d.TenantId), new KeyValuePair<string, object?>("status", d.Status.ToString().ToLowerInvariant()))),
            description: "Commands not yet finished, by tenant and status (refreshed by each reaper pass)");
    }

    public void Registration(bool succeeded) =>
        _registrations.Add(1, new KeyValuePair<string, object?>("outcome", succeeded ? "succeeded" : "failed"));

    public void LeaseConflict() => _leaseConflicts.Add(1);

    public void LeaseExpiries(int count) => _leaseExpiries.Add(count);

    public void AdminAuthFailure() => _adminAuthFailures.Add(1);

    public void Overloaded(string method) => _overloaded.Add(1, new KeyValuePair<string, object?>("method", method));

    public void AuditHead(long count) => Interlocked.Exchange(ref _auditHeadCount, count);

    public void QueueDepth(IReadOnlyList<QueueDepth> depth) => Volatile.Write(ref _queueDepth, depth);
}
