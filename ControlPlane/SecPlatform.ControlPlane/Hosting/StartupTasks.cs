using SecPlatform.Contracts.Client;
using SecPlatform.ControlPlane.Core.Services;
using SecPlatform.ControlPlane.Core.Storage;
using SecPlatform.ControlPlane.Storage.Postgres;

namespace SecPlatform.ControlPlane.Hosting;

/// <summary>What runs once before the service answers: schema check (never a silent migration), first admin, audit head.</summary>
internal static class StartupTasks
{
    public static async Task RunAsync(IServiceProvider services, string dataDir, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<IControlPlaneStore>();
        if (store is PostgresControlPlaneStore postgres)
        {
            await postgres.EnsureSchemaCurrentAsync(cancellationToken);
        }

        var key = await services.GetRequiredService<AdminUserManager>().EnsureInitialAdminAsync(cancellationToken);
        if (key is not null)
        {
            var path = Path.Combine(dataDir, DataDirectory.InitialAdminKeyFileName);
            WriteSecretFile(path, key.Value + Environment.NewLine);
            // Shown once, on the console only (not through the logger, so it reaches no log sink).
            await Console.Error.WriteLineAsync(
                $"""

                ==> First start: created the initial super admin {key.Id}.
                    API key (shown once): {key.Value}
                    Also written to {path} (mode 0600), where `secplat` on this machine finds it.

                """);
        }

        await services.GetRequiredService<AuditLog>().PublishHeadAsync(cancellationToken);
    }

    private static void WriteSecretFile(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode applies only when the file is new; an old file keeps its mode otherwise.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
