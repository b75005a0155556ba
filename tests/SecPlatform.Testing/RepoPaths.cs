using System.Reflection;

namespace SecPlatform.Testing;

/// <summary>Where the repository and the built programs are, seen from a test assembly.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration of the running tests (Debug or Release), so programs come from the same build.</summary>
    public static string Configuration { get; } =
        Assembly.GetExecutingAssembly().GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The built dll of a project, e.g. <c>Program("ControlPlane/SecPlatform.ControlPlane", "SecPlatform.ControlPlane")</c>.</summary>
    public static string Program(string projectDir, string assemblyName)
    {
        var path = Path.Combine(Root, projectDir, "bin", Configuration, "net10.0", assemblyName + ".dll");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is not built: run `dotnet build SecPlatform.sln -c {Configuration}` first (tests/run.sh does)", path);
        }

        return path;
    }

    public static string ControlPlane => Program("ControlPlane/SecPlatform.ControlPlane", "SecPlatform.ControlPlane");

    public static string Cli => Program("ControlPlane/SecPlatform.Cli", "secplat");

    public static string Agent => Program("Agent/SecPlatform.Agent", "secplat-agent");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SecPlatform.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"SecPlatform.sln not found above {AppContext.BaseDirectory}");
    }
}
