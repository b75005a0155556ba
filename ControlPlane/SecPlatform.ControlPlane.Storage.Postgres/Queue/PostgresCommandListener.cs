using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using SecPlatform.ControlPlane.Core.Services;

namespace SecPlatform.ControlPlane.Storage.Postgres.Queue;

/// <summary>
/// Wakes this replica's long polls when another replica enqueues work: LISTENs on one dedicated connection to the
/// channel the store NOTIFYs on enqueue, and pulses the <see cref="CommandSignal"/>. After a lost connection it
/// reconnects and pulses once, since notifications sent meanwhile are gone.
/// </summary>
internal sealed class PostgresCommandListener(NpgsqlDataSource dataSource, CommandSignal signal, ILogger<PostgresCommandListener> logger)
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
                connection.Notification += (_, _) => signal.Notify();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                signal.Notify();
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
}
