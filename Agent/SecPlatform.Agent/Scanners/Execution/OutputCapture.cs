using System.Buffers;
using System.Text;
using CliWrap;
using SecPlatform.Agent.Findings;

namespace SecPlatform.Agent.Scanners.Execution;

/// <summary>
/// The bounded buffers behind a scanner's pipes: the first <see cref="OutputLimits.MaxStdoutBytes"/> of stdout (for
/// the parser) and a ring of the last <see cref="OutputLimits.LogTailBytes"/> of both streams (the log tail). Memory
/// stays bounded whatever the tool prints.
/// </summary>
internal sealed class OutputCapture(OutputLimits limits, Action onStdoutCapExceeded)
{
    private const int ChunkBytes = 64 * 1024;

    private readonly MemoryStream _stdout = new();
    private readonly byte[] _tail = new byte[Math.Max(1, limits.LogTailBytes)];
    private readonly Lock _tailLock = new();
    private int _tailEnd;
    private bool _tailWrapped;
    private long _stderrBytes;
    private int _stdoutCapSignalled;

    public bool StdoutTruncated { get; private set; }

    public bool StderrTruncated { get; private set; }

    public PipeTarget StandardOutput => PipeTarget.Create((stream, cancellationToken) => ReadAsync(stream, standardOutput: true, cancellationToken));

    public PipeTarget StandardError => PipeTarget.Create((stream, cancellationToken) => ReadAsync(stream, standardOutput: false, cancellationToken));

    public ReadOnlyMemory<byte> Stdout => _stdout.GetBuffer().AsMemory(0, (int)_stdout.Length);

    /// <summary>The log tail as text, with secrets masked.</summary>
    public string LogTail()
    {
        byte[] bytes;
        lock (_tailLock)
        {
            bytes = _tailWrapped ? [.. _tail[_tailEnd..], .. _tail[.._tailEnd]] : _tail[.._tailEnd];
        }

        var text = Encoding.UTF8.GetString(bytes).Replace("\0", "", StringComparison.Ordinal);
        return SecretMasker.MaskSecrets(text);
    }

    private async Task ReadAsync(Stream stream, bool standardOutput, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, ChunkBytes), cancellationToken)) > 0)
            {
                var chunk = buffer.AsSpan(0, read);
                AppendTail(chunk);
                if (standardOutput)
                {
                    KeepStdout(chunk);
                }
                else
                {
                    _stderrBytes += read;
                    StderrTruncated |= _stderrBytes > limits.MaxStderrBytes;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void KeepStdout(ReadOnlySpan<byte> chunk)
    {
        if (StdoutTruncated)
        {
            return;
        }

        var room = limits.MaxStdoutBytes - (int)_stdout.Length;
        if (chunk.Length <= room)
        {
            _stdout.Write(chunk);
            return;
        }

        _stdout.Write(chunk[..room]);
        StdoutTruncated = true;
        if (Interlocked.Exchange(ref _stdoutCapSignalled, 1) == 0)
        {
            onStdoutCapExceeded();
        }
    }

    private void AppendTail(ReadOnlySpan<byte> chunk)
    {
        lock (_tailLock)
        {
            if (chunk.Length >= _tail.Length)
            {
                chunk[^_tail.Length..].CopyTo(_tail);
                _tailEnd = 0;
                _tailWrapped = true;
                return;
            }

            var first = Math.Min(chunk.Length, _tail.Length - _tailEnd);
            chunk[..first].CopyTo(_tail.AsSpan(_tailEnd));
            chunk[first..].CopyTo(_tail);
            var end = _tailEnd + chunk.Length;
            if (end >= _tail.Length)
            {
                _tailWrapped = true;
                end -= _tail.Length;
            }

            _tailEnd = end;
        }
    }
}
