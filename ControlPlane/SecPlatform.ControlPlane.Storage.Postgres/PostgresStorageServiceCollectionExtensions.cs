using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using SecPlatform.ControlPlane.Core.Services;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.Postgres.Queue;

namespace SecPlatform.ControlPlane.Storage.Postgres;

public static class PostgresStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the PostgreSQL store as the <see cref="IControlPlaneStore"/> singleton (also resolvable as
    /// <see cref="PostgresControlPlaneStore"/>, whose <c>EnsureSchemaCurrentAsync</c> the host calls at start),
    /// the <see cref="PostgresMigrator"/>, and a hosted listener that wakes <see cref="CommandSignal"/> waiters when
    /// another replica enqueues a command. Nothing here touches the database until the host starts.
    /// </summary>
    /// <param name="connectionString">The service role's connection string.</param>
    public static IServiceCollection AddPostgresStore(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        services.TryAddSingleton(sp => new PostgresMigrator(sp.GetService<ILogger<PostgresMigrator>>()));
        services.AddSingleton(_ => new PostgresControlPlaneStore(connectionString));
        services.AddSingleton<IControlPlaneStore>(sp => sp.GetRequiredService<PostgresControlPlaneStore>());
        // Commands enqueued on another replica wake this replica's long polls (LISTEN/NOTIFY).
        services.AddHostedService(sp => new PostgresCommandListener(
            sp.GetRequiredService<PostgresControlPlaneStore>().DataSource,
            sp.GetRequiredService<PostgresControlPlaneStore>().CommandNotifyOrigin,
            sp.GetRequiredService<CommandSignal>(),
            sp.GetRequiredService<ILogger<PostgresCommandListener>>()));
        return services;
    }
}
