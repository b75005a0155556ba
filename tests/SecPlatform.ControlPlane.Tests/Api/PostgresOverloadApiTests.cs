using Grpc.Core;
using Npgsql;
using SecPlatform.Contracts.Agent.V1;
using SecPlatform.ControlPlane.Tests.Infrastructure;
using SecPlatform.Testing;

namespace SecPlatform.ControlPlane.Tests.Api;

/// <summary>
/// Back-pressure on PostgreSQL: when every pooled connection is busy, a call waits briefly for one and then answers
/// UNAVAILABLE with a retry hint, instead of queueing; the calls admitted complete once the store frees up.
/// </summary>
public sealed class PostgresOverloadApiTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task RenewLease_EveryConnectionBusy_UnavailableWithRetryHintAndAdmittedCallsComplete()
    {
        var database = await PostgresControlPlanes.CreateMigratedDatabaseAsync(server);
        // A pool of 3 (one is the NOTIFY listener's) and a 1 s wait for a connection.
        await using var cp = await TestControlPlane.StartAsync(
            ["--Storage:Provider", "Postgres", "--Storage:Postgres:ConnectionString", database.ServiceConnectionString + ";Maximum Pool Size=3;Timeout=1"]);
        var (_, agent) = await cp.RegisterAgentAsync();
        var gateway = cp.Gateway(agent.AgentKey);
        await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "host/1/a", Acquire = true });

        // Another session locks the lease row: every renewal then holds a pooled connection while it waits for the lock.
        await using var owner = new NpgsqlConnection(database.OwnerConnectionString);
        await owner.OpenAsync();
        await using var transaction = await owner.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM agent_leases WHERE agent_id = $1 FOR UPDATE", owner, transaction))
        {
            lockRow.Parameters.Add(new NpgsqlParameter { Value = agent.AgentId });
            await lockRow.ExecuteScalarAsync();
        }

        var renewals = Enumerable.Range(0, 6)
            .Select(_ => gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "host/1/a" }).ResponseAsync)
            .ToList();
        var refused = await Assert.ThrowsAsync<RpcException>(() => Task.WhenAny(renewals).Unwrap());
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Contains("overloaded; retry", refused.Status.Detail);
        Assert.Equal("1000", refused.Trailers.GetValue("grpc-retry-pushback-ms"));

        await transaction.RollbackAsync();
        var outcomes = await Task.WhenAll(renewals.Select(async r =>
        {
            try
            {
                await r;
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        }));
        Assert.Contains(StatusCode.OK, outcomes);
        Assert.All(outcomes, s => Assert.True(s is StatusCode.OK or StatusCode.Unavailable, $"unexpected {s}"));
        var after = await gateway.RenewLeaseAsync(new RenewLeaseRequest { HolderIdentity = "host/1/a" });
        Assert.Equal(4, after.Lease.LeaseDurationSeconds);
    }
}
