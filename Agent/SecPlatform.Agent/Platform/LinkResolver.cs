namespace SecPlatform.Agent.Platform;

/// <summary>
/// Resolves symbolic links and junctions in every component of a path with managed calls only, for systems without
/// <c>realpath(3)</c>. Gives up (null) after <see cref="MaxLinks"/> links, as the OS does on loops.
/// </summary>
public static class LinkResolver
{
    public const int MaxLinks = 40;

    public static string? RealPath(string path)
    {
        try
        {
            var pending = new Stack<string>();
            var full = Path.GetFullPath(path);
            var root = Path.GetPathRoot(full) ?? "";
            foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                pending.Push(part);
            }

            var current = root;
            var links = 0;
            while (pending.Count > 0)
            {
                var candidate = Path.Combine(current, pending.Pop());
                FileSystemInfo info = Directory.Exists(candidate) ? new DirectoryInfo(candidate) : new FileInfo(candidate);
                if (!info.Exists)
                {
                    return null;
                }

                if (info.LinkTarget is not { } target)
                {
                    current = candidate;
                    continue;
                }

                if (++links > MaxLinks)
                {
                    return null;
                }

                // Resolve the link's target from its own directory, then walk what it names component by component.
                var resolved = Path.GetFullPath(target, current);
                var resolvedRoot = Path.GetPathRoot(resolved) ?? "";
                foreach (var part in resolved[resolvedRoot.Length..].Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse())
                {
                    pending.Push(part);
                }

                current = resolvedRoot;
            }

            return current;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }
}
