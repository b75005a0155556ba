using SecPlatform.ControlPlane.Hosting;

// `migrate` applies PostgreSQL migrations and exits; anything else serves.
if (args.Length > 0 && args[0] == "migrate")
{
    return await MigrateCommand.RunAsync(args[1..]);
}

try
{
    var app = await ControlPlaneApp.CreateAsync(args);
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
{
    // Configuration and start-up problems: one clear line, not a stack trace.
    await Console.Error.WriteLineAsync($"SecPlatform.ControlPlane: {e.Message}");
    return 1;
}

/// <summary>Entry point; public so tests can reference the assembly.</summary>
public partial class Program;
