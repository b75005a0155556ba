using System.Reflection;

namespace SecPlatform.ControlPlane.Hosting;

internal static class ThisAssembly
{
    /// <summary>The version stamped at build time (without the source revision suffix).</summary>
    public static string Version { get; } =
        (typeof(ThisAssembly).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];
}
