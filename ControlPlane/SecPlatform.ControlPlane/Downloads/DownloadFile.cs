namespace SecPlatform.ControlPlane.Downloads;

/// <summary>One served file: its name, where it lies, its size in bytes and its SHA-256 (lower-case hex).</summary>
public sealed record DownloadFile(string Name, string FullPath, long Size, string Sha256);
