using System.Text;

namespace Orchestrator.Agents.Llm;

/// <summary>
/// The transcript file: append-only, one whole line per <see cref="Append"/>, on disk (flushed and
/// synced) before it returns; appends from several threads are serialised. Opening for
/// <see cref="LlmTranscriptMode.Append"/> cuts off a torn last line left by a process that stopped
/// mid-write (the bytes after the last line break), so the next line starts on a line of its own.
/// </summary>
internal sealed class LlmTranscriptWriter : IDisposable
{
    private readonly FileStream _file;
    private readonly Lock _gate = new();

    public LlmTranscriptWriter(string path, LlmTranscriptMode mode)
    {
        Path = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.GetDirectoryName(Path) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        _file = new FileStream(Path, mode == LlmTranscriptMode.CreateNew ? FileMode.CreateNew : FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        if (mode == LlmTranscriptMode.Append)
        {
            CutTornTail();
        }
    }

    /// <summary>The file (absolute).</summary>
    public string Path { get; }

    /// <summary>Bytes cut off a torn last line at open (0 when the file ended cleanly).</summary>
    public long TornBytesCut { get; private set; }

    /// <summary>Appends <paramref name="line"/> and a line break, and syncs the file.</summary>
    public void Append(string line)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(line + "\n");
        lock (_gate)
        {
            _file.Write(bytes);
            _file.Flush(flushToDisk: true);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file.Dispose();
        }
    }

    private void CutTornTail()
    {
        long length = _file.Length;
        long keep = length;
        Span<byte> one = stackalloc byte[1];
        while (keep > 0)
        {
            _file.Position = keep - 1;
            _file.ReadExactly(one);
            if (one[0] == (byte)'\n')
            {
                break;
            }

            keep--;
        }

        if (keep < length)
        {
            TornBytesCut = length - keep;
            _file.SetLength(keep);
        }

        _file.Position = keep;
    }
}
