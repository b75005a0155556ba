using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using System.Text.Json;
using Npgsql;
using SecPlatform.ControlPlane.Core.Services;

namespace SecPlatform.ControlPlane.Storage.Postgres.Queue;

/// <summary>
/// Wakes this replica's long polls when another replica enqueues work: LISTENs on one dedicated connection to the
/// channel the store NOTIFYs on enqueue, and wakes one waiter per notification that can take the command (its own
/// store's notifications are skipped: the enqueue woke a local waiter already). After a lost connection it reconnects
/// and has every waiter look once, since notifications sent meanwhile are gone.
/// </summary>
internal sealed class PostgresCommandListener(NpgsqlDataSource dataSource, string origin, CommandSignal signal, ILogger<PostgresCommandListener> logger)
    : BackgroundService
{
    public const string Channel = "secplat_commands";

    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => OnNotification(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                signal.WakeAll();
                try
                {
                    while (true)
                    {
                        await connection.WaitAsync(stoppingToken);
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    // The pool does not reset connections (No Reset On Close): this one goes back without its LISTEN.
                    await using var unlisten = new NpgsqlCommand("UNLISTEN *", connection);
                    await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
                    throw;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
            {
                logger.LogWarning(e, "Lost the PostgreSQL connection that listens for new commands; reconnecting in {DelaySeconds} s",
                    ReconnectDelay.TotalSeconds);
            }

            try
            {
                await Task.Delay(ReconnectDelay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void OnNotification(string payload)
    {
        try
        {
            var (from, tenantId, hint) = CommandNotification.Parse(payload);
            if (from != origin)
            {
                signal.Wake(tenantId, hint);
            }
        }
        catch (JsonException e)
        {
            // Not ours to understand: every waiter looks once rather than a command sitting until a poll ends.
            logger.LogWarning(e, "Unreadable notification on {Channel}; waking every long poll", Channel);
            signal.WakeAll();
        }
    }
}
