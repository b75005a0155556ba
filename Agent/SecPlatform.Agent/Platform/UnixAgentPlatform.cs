using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace SecPlatform.Agent.Platform;

/// <summary>Linux and macOS: POSIX file modes, executables found by their execute bits.</summary>
[UnsupportedOSPlatform("windows")]
public sealed partial class UnixAgentPlatform(string operatingSystemName, string defaultStateDirectory) : IAgentPlatform
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public string OperatingSystemName { get; } = operatingSystemName;

    public string DefaultStateDirectory { get; } = defaultStateDirectory;

    public void CreatePrivateDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        Directory.CreateDirectory(path, OwnerOnlyDirectory);
        // The mode given at creation is filtered through the umask; set it explicitly.
        File.SetUnixFileMode(path, OwnerOnlyDirectory);
    }

    public void CreatePrivateFile(string path)
    {
        if (!File.Exists(path))
        {
            using var _ = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = OwnerOnlyFile,
            });
        }

        File.SetUnixFileMode(path, OwnerOnlyFile);
    }

    public void RestrictNewFilesToOwner() => SetUmask(Convert.ToUInt32("077", 8));

    public IReadOnlyList<string> ExecutableFileNames(string command) => [command];

    public bool IsExecutable(string path) =>
        File.Exists(path) && (File.GetUnixFileMode(path) & AnyExecute) != 0;

    // macOS volumes ignore case by default; Linux file systems do not.
    public StringComparison PathComparison => OperatingSystemName == "macos" ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    public string NullDevice => "/dev/null";

    public unsafe string? RealPath(string path)
    {
        var resolved = ResolveRealPath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            // realpath(3) allocated the buffer with malloc.
            NativeMemory.Free((void*)resolved);
        }
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr ResolveRealPath(string path, IntPtr resolved);

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint SetUmask(uint mask);
}
