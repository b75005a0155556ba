using System.Security.Cryptography;
using Npgsql;
using Xunit;

namespace SecPlatform.Testing;

/// <summary>
/// The PostgreSQL server the tests run against, named by <c>SECPLAT_TEST_PG</c> (a superuser connection
/// string). Use it as an xunit class fixture: without a reachable server every test of the class fails with a
/// message that says how to provide one; PostgreSQL tests never skip. Databases and roles it created are
/// dropped when it is disposed.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string EnvironmentVariable = "SECPLAT_TEST_PG";

    public const string HowToProvide =
        "PostgreSQL tests need a server: run `bash tests/run.sh` (starts a throwaway cluster) or set SECPLAT_TEST_PG to a superuser connection string";

    private readonly string? _connectionString = Environment.GetEnvironmentVariable(EnvironmentVariable);
    private readonly List<PostgresDatabase> _created = [];
    private readonly SemaphoreSlim _ready = new(1, 1);
    private NpgsqlDataSource? _admin;

    public async Task InitializeAsync()
    {
        await EnsureConnectedAsync();
    }

    /// <summary>Creates a database owned by a fresh owner role, plus a fresh service role that may only connect.</summary>
    public async Task<PostgresDatabase> CreateDatabaseAsync()
    {
        var admin = await EnsureConnectedAsync();
        var suffix = RandomNumberGenerator.GetHexString(12, lowercase: true);
        var name = $"secplat_test_{suffix}";
        var owner = $"secplat_owner_{suffix}";
        var service = $"secplat_service_{suffix}";
        var ownerPassword = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var servicePassword = RandomNumberGenerator.GetHexString(32, lowercase: true);

        // CREATE DATABASE cannot run inside a transaction block, so one statement per command.
        await ExecuteAsync(admin, $"CREATE ROLE {owner} LOGIN PASSWORD '{ownerPassword}'");
        await ExecuteAsync(admin, $"CREATE ROLE {service} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{servicePassword}'");
        await ExecuteAsync(admin, $"CREATE DATABASE {name} OWNER {owner}");
        var database = new PostgresDatabase(
            name,
            owner,
            service,
            ConnectionStringFor(name, owner, ownerPassword),
            ConnectionStringFor(name, service, servicePassword));
        lock (_created)
        {
            _created.Add(database);
        }

        // Only the owner and the service may connect, and the service gets nothing in the schema but what the
        // migrations grant it (PostgreSQL before 15 let everyone create objects in public).
        await ExecuteAsync(admin, $"REVOKE ALL ON DATABASE {name} FROM PUBLIC");
        await ExecuteAsync(admin, $"GRANT CONNECT ON DATABASE {name} TO {service}");
        await using (var inside = NpgsqlDataSource.Create(ConnectionStringFor(name, null, null)))
        {
            await ExecuteAsync(inside, $"ALTER SCHEMA public OWNER TO {owner}");
            await ExecuteAsync(inside, "REVOKE ALL ON SCHEMA public FROM PUBLIC");
        }

        return database;
    }

    public async Task DisposeAsync()
    {
        if (_admin is not null)
        {
            List<PostgresDatabase> created;
            lock (_created)
            {
                created = [.. _created];
                _created.Clear();
            }

            foreach (var database in created)
            {
                // FORCE ends the connections that stores under test left in their pools.
                await ExecuteAsync(_admin, $"DROP DATABASE IF EXISTS {database.Name} WITH (FORCE)");
                await ExecuteAsync(_admin, $"DROP ROLE IF EXISTS {database.OwnerRole}, {database.ServiceRole}");
            }

            await _admin.DisposeAsync();
        }

        _ready.Dispose();
    }

    private async Task<NpgsqlDataSource> EnsureConnectedAsync()
    {
        await _ready.WaitAsync();
        try
        {
            return _admin ??= await ConnectAsync();
        }
        finally
        {
            _ready.Release();
        }
    }

    private async Task<NpgsqlDataSource> ConnectAsync()
    {
        if (string.IsNullOrWhiteSpace(_connectionString))
        {
            throw new InvalidOperationException($"{HowToProvide}. {EnvironmentVariable} is not set.");
        }

        NpgsqlDataSource dataSource;
        try
        {
            dataSource = NpgsqlDataSource.Create(_connectionString);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"{HowToProvide}. {EnvironmentVariable} is not a valid connection string: {e.Message}", e);
        }

        try
        {
            await using var command = dataSource.CreateCommand("SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user");
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            if (await command.ExecuteScalarAsync(timeout.Token) is not true)
            {
                throw new InvalidOperationException($"{HowToProvide}. The role in {EnvironmentVariable} is not a superuser.");
            }
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            await dataSource.DisposeAsync();
            var host = new NpgsqlConnectionStringBuilder(_connectionString);
            throw new InvalidOperationException(
                $"{HowToProvide}. The server at {host.Host}:{host.Port} named by {EnvironmentVariable} is unreachable: {e.Message}", e);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }

        return dataSource;
    }

    private string ConnectionStringFor(string database, string? username, string? password)
    {
        var builder = new NpgsqlConnectionStringBuilder(_connectionString) { Database = database };
        if (username is not null)
        {
            builder.Username = username;
            builder.Password = password;
        }

        return builder.ConnectionString;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
