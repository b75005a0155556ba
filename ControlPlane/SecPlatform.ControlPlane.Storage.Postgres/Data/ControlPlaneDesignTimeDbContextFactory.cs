using Microsoft.EntityFrameworkCore.Design;

namespace SecPlatform.ControlPlane.Storage.Postgres.Data;

/// <summary>
/// For the EF tools only. Generating a migration needs the model, not a server, so by default the connection
/// string is a placeholder that is never opened; tools that do need a database (e.g. <c>migrations remove</c>,
/// which checks whether the migration was applied) take one after <c>--</c>:
/// <c>dotnet ef migrations remove -- "Host=...;Database=..."</c>.
/// </summary>
internal sealed class ControlPlaneDesignTimeDbContextFactory : IDesignTimeDbContextFactory<ControlPlaneDbContext>
{
    public ControlPlaneDbContext CreateDbContext(string[] args) =>
        new(ControlPlaneDbContextOptions.Create(args is [var connectionString, ..] ? connectionString : "Host=localhost;Database=secplatform_design"));
}
