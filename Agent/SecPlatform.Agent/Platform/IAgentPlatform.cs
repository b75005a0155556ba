namespace SecPlatform.Agent.Platform;

/// <summary>
/// What differs between the operating systems the agent runs on. One implementation per OS family,
/// chosen at run time by <see cref="AgentPlatforms.Current"/>.
/// </summary>
public interface IAgentPlatform
{
    /// <summary>The OS name sent to the control plane: <c>linux</c>, <c>windows</c> or <c>macos</c>.</summary>
    string OperatingSystemName { get; }

    /// <summary>Where the agent keeps its state when neither a flag nor the environment says otherwise.</summary>
    string DefaultStateDirectory { get; }

    /// <summary>Creates <paramref name="path"/> readable only by its owner (and, on Windows, administrators and SYSTEM).
    /// A directory that already exists keeps its permissions: tightening a shared directory someone pointed us at could break other software.</summary>
    void CreatePrivateDirectory(string path);

    /// <summary>Creates <paramref name="path"/> empty if it is missing and makes it readable only by its owner.</summary>
    void CreatePrivateFile(string path);

    /// <summary>Makes files this process creates from now on private (the database engine creates its own journal files).</summary>
    void RestrictNewFilesToOwner();

    /// <summary>The file names an executable called <paramref name="command"/> may have on disk.</summary>
    IReadOnlyList<string> ExecutableFileNames(string command);

    /// <summary>True when <paramref name="path"/> is a file this OS would run.</summary>
    bool IsExecutable(string path);

    /// <summary>The absolute path of <paramref name="path"/> with every symbolic link (and junction) resolved, in every
    /// component; null when it does not exist or cannot be resolved.</summary>
    string? RealPath(string path);

    /// <summary>How paths compare on this OS's usual file systems (ordinal on Linux, ignoring case on Windows and macOS).</summary>
    StringComparison PathComparison { get; }

    /// <summary>The file that reads as empty: <c>/dev/null</c> or <c>NUL</c>.</summary>
    string NullDevice { get; }
}
