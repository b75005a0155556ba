using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;

namespace SecPlatform.Agent.Platform;

/// <summary>Windows: ACLs instead of file modes, executables found by extension.</summary>
[SupportedOSPlatform("windows")]
public sealed class WindowsAgentPlatform : IAgentPlatform
{
    // PATHEXT is user-controlled; the agent only runs what these extensions say is a program.
    private static readonly string[] ExecutableExtensions = [".exe", ".cmd", ".bat", ".com"];

    public string OperatingSystemName => "windows";

    public string DefaultStateDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData, Environment.SpecialFolderOption.DoNotVerify), "SecPlatform", "Agent");

    public void CreatePrivateDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        // A protected ACL stops %ProgramData%'s "Users may read" entries from being inherited;
        // files created inside inherit this one.
        var security = new DirectorySecurity();
        security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
        const InheritanceFlags inherit = InheritanceFlags.ContainerInherit | InheritanceFlags.ObjectInherit;
        foreach (var sid in OwnerSids())
        {
            security.AddAccessRule(new FileSystemAccessRule(sid, FileSystemRights.FullControl, inherit, PropagationFlags.None, AccessControlType.Allow));
        }

        security.CreateDirectory(path);
    }

    public void CreatePrivateFile(string path)
    {
        if (!File.Exists(path))
        {
            using var _ = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        }
    }

    // Files inherit the private directory's ACL; there is no process-wide mask to set.
    public void RestrictNewFilesToOwner()
    {
    }

    public IReadOnlyList<string> ExecutableFileNames(string command) =>
        Path.HasExtension(command) ? [command] : [.. ExecutableExtensions.Select(extension => command + extension)];

    public bool IsExecutable(string path) =>
        File.Exists(path) && ExecutableExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    public StringComparison PathComparison => StringComparison.OrdinalIgnoreCase;

    public string NullDevice => "NUL";

    public string? RealPath(string path) => LinkResolver.RealPath(path);

    private static IEnumerable<SecurityIdentifier> OwnerSids()
    {
        yield return new SecurityIdentifier(WellKnownSidType.LocalSystemSid, null);
        yield return new SecurityIdentifier(WellKnownSidType.BuiltinAdministratorsSid, null);
        using var current = WindowsIdentity.GetCurrent();
        if (current.User is { } user)
        {
            yield return user;
        }
    }
}
