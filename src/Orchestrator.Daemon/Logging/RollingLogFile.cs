using System.Globalization;

namespace Orchestrator.Daemon.Logging;

/// <summary>
/// One log file and its one writer: whole UTF-8 lines appended under a lock into a reused buffer and
/// written in batches (<see cref="Flush"/>, or when the buffer fills), so lines from the audit thread
/// and from NLog never interleave mid-line and the audit stream allocates nothing per line. Rolls as
/// NLog's file target did with <c>archiveFileName</c> = <c>fileName</c>: every local day and before
/// a line would take the file past <see cref="MaxBytes"/>, the live file renamed to
/// <c>name_yyyyMMdd_NN.ext</c> and a new one opened under the name (so <c>orchestrator tail</c>
/// follows it), the newest <see cref="MaxArchives"/> rolled files kept.
/// </summary>
public sealed class RollingLogFile : IDisposable
{
    private readonly object _gate = new();
    private readonly byte[] _buffer;
    private readonly string _directory;
    private readonly string _stem;
    private readonly string _extension;
    private FileStream? _stream;
    private int _buffered;
    private long _size;
    private DateTime _fileDay;
    private long _nextDayUtcTicks;
    private bool _disposed;

    public RollingLogFile(string path, long maxBytes, int maxArchives, int bufferBytes = 256 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxArchives, 0);
        Path = System.IO.Path.GetFullPath(path);
        MaxBytes = maxBytes;
        MaxArchives = maxArchives;
        _buffer = new byte[bufferBytes];
        _directory = System.IO.Path.GetDirectoryName(Path)!;
        _stem = System.IO.Path.GetFileNameWithoutExtension(Path);
        _extension = System.IO.Path.GetExtension(Path);
    }

    public string Path { get; }

    public long MaxBytes { get; }

    public int MaxArchives { get; }

    /// <summary>Appends one whole line (its newline included). Allocates nothing unless the file rolls.</summary>
    public void Append(ReadOnlySpan<byte> line)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (_stream is null)
            {
                Open();
            }

            if (DateTime.UtcNow.Ticks >= _nextDayUtcTicks || (_size > 0 && _size + line.Length > MaxBytes))
            {
                Roll();
            }

            if (line.Length > _buffer.Length - _buffered)
            {
                WriteBuffered();
            }

            if (line.Length > _buffer.Length)
            {
                _stream!.Write(line);
            }
            else
            {
                line.CopyTo(_buffer.AsSpan(_buffered));
                _buffered += line.Length;
            }

            _size += line.Length;
        }
    }

    /// <summary>Writes the buffered lines to the file (readers see them).</summary>
    public void Flush()
    {
        lock (_gate)
        {
            WriteBuffered();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            WriteBuffered();
            _stream?.Dispose();
            _stream = null;
            _disposed = true;
        }
    }

    private void WriteBuffered()
    {
        if (_buffered > 0 && _stream is not null)
        {
            _stream.Write(_buffer, 0, _buffered);
            _stream.Flush();
        }

        _buffered = 0;
    }

    private void Open()
    {
        Directory.CreateDirectory(_directory);
        if (File.Exists(Path) && File.GetLastWriteTime(Path).Date < DateTime.Now.Date && new FileInfo(Path).Length > 0)
        {
            Archive(File.GetLastWriteTime(Path).Date); // yesterday's file rolls before today's lines go in
        }

        // ReadWrite + Delete sharing: `orchestrator tail` reads it, and a roll renames it.
        _stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        _size = _stream.Length;
        DateTime now = DateTime.Now;
        _fileDay = now.Date;
        _nextDayUtcTicks = now.Date.AddDays(1).ToUniversalTime().Ticks;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void Roll()
    {
        WriteBuffered();
        _stream!.Dispose();
        _stream = null;
        Archive(_fileDay);
        Open();
    }

    /// <summary>Renames the live file to the next free <c>name_yyyyMMdd_NN.ext</c> of <paramref name="day"/>, then trims old archives.</summary>
    private void Archive(DateTime day)
    {
        string prefix = _stem + "_" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "_";
        int sequence = 0;
        foreach ((DateTime Day, int Sequence, string File) archive in Archives())
        {
            if (archive.Day == day.Date && archive.Sequence >= sequence)
            {
                sequence = archive.Sequence + 1;
            }
        }

        string target = System.IO.Path.Combine(_directory, prefix + sequence.ToString("00", CultureInfo.InvariantCulture) + _extension);
        try
        {
            File.Move(Path, target);
        }
        catch (IOException)
        {
            return; // gone or taken: write on in the live file rather than lose lines
        }

        List<(DateTime Day, int Sequence, string File)> archives = Archives();
        archives.Sort((a, b) => a.Day != b.Day ? a.Day.CompareTo(b.Day) : a.Sequence.CompareTo(b.Sequence));
        for (int i = 0; i < archives.Count - MaxArchives; i++)
        {
            try
            {
                File.Delete(archives[i].File);
            }
            catch (IOException)
            {
                // still open elsewhere: the next roll tries again
            }
        }
    }

    private List<(DateTime Day, int Sequence, string File)> Archives()
    {
        var found = new List<(DateTime, int, string)>();
        foreach (string file in Directory.EnumerateFiles(_directory, _stem + "_*" + _extension))
        {
            string name = System.IO.Path.GetFileNameWithoutExtension(file);
            string[] parts = name[(_stem.Length + 1)..].Split('_');
            if (parts.Length == 2
                && DateTime.TryParseExact(parts[0], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime day)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int sequence))
            {
                found.Add((day, sequence, file));
            }
        }

        return found;
    }
}
