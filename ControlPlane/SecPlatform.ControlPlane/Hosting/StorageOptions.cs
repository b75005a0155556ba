namespace SecPlatform.ControlPlane.Hosting;

/// <summary>Which store serves the control plane (section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary><c>LiteDb</c> (default: one file in the data directory, no set-up) or <c>Postgres</c>.</summary>
    public string Provider { get; set; } = "LiteDb";

    public LiteDbStorageOptions LiteDb { get; set; } = new();

    public PostgresStorageOptions Postgres { get; set; } = new();

    public sealed class LiteDbStorageOptions
    {
        /// <summary>The database file; default <c>{data dir}/controlplane.db</c>.</summary>
        public string? Path { get; set; }
    }

    public sealed class PostgresStorageOptions
    {
        /// <summary>The service's connection, as a role that does not own the tables.</summary>
        public string? ConnectionString { get; set; }

        /// <summary>The owner's connection, used only by the <c>migrate</c> verb.</summary>
        public string? MigrationConnectionString { get; set; }

        /// <summary>The role the service runs as, granted its rights by <c>migrate</c>; default: the user of ConnectionString.</summary>
        public string? ServiceRole { get; set; }
    }
}
