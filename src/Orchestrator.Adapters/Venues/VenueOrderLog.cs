using System.Globalization;
using System.Text;

namespace Orchestrator.Adapters.Venues;

/// <summary>
/// Which venue order each engine order became: an append-only text file next to the journal
/// (<c>venue-orders.log</c>, one <c>&lt;client order id&gt; &lt;venue order id&gt;</c> line per order).
/// The gateway appends a line — written and synced — before it reports the order accepted, so
/// after a crash every order the journal shows as accepted has its venue id here, and the venue
/// ids of every order this account's runs placed today are known as ours (KIS has no client
/// order id: without this file a recovered order could be matched to another engine order's
/// venue order). A line torn by a crash is cut at the next open.
/// </summary>
/// <remarks>Slow path (the gateway's workers); thread-safe.</remarks>
public sealed class VenueOrderLog : IDisposable
{
    public const string FileName = "venue-orders.log";

    private readonly object _gate = new();
    private readonly FileStream _file;
    private readonly Dictionary<long, string> _byClientId = [];

    /// <summary>Opens (or creates) the log in <paramref name="directory"/> and reads what it holds.</summary>
    /// <exception cref="InvalidDataException">A complete line that is not two ids (names the file and line).</exception>
    public VenueOrderLog(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        Path = System.IO.Path.Combine(directory, FileName);
        _file = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            Load();
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    public string Path { get; }

    /// <summary>Bytes of a torn last line cut at open (0 = none).</summary>
    public long TornBytesCut { get; private set; }

    /// <summary>Orders with a known venue id.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byClientId.Count;
            }
        }
    }

    /// <summary>The venue id of an engine order, if it was logged.</summary>
    public bool TryGet(long clientOrderId, out string venueOrderId)
    {
        lock (_gate)
        {
            return _byClientId.TryGetValue(clientOrderId, out venueOrderId!);
        }
    }

    /// <summary>Every logged venue id (the orders of today's runs).</summary>
    public IReadOnlyCollection<string> VenueIds()
    {
        lock (_gate)
        {
            return [.. _byClientId.Values];
        }
    }

    /// <summary>Records that <paramref name="clientOrderId"/> is <paramref name="venueOrderId"/> at the venue; written and synced before it returns. Idempotent.</summary>
    public void Append(long clientOrderId, string venueOrderId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(venueOrderId);
        if (venueOrderId.AsSpan().IndexOfAny(" \t\r\n") >= 0)
        {
            throw new ArgumentException("A venue order id with white space cannot be logged: " + venueOrderId, nameof(venueOrderId));
        }

        lock (_gate)
        {
            if (_byClientId.TryGetValue(clientOrderId, out string? known) && known == venueOrderId)
            {
                return;
            }

            byte[] line = Encoding.ASCII.GetBytes(clientOrderId.ToString(CultureInfo.InvariantCulture) + " " + venueOrderId + "\n");
            _file.Seek(0, SeekOrigin.End);
            _file.Write(line);
            _file.Flush(flushToDisk: true);
            _byClientId[clientOrderId] = venueOrderId;
        }
    }

    private void Load()
    {
        var text = new byte[_file.Length];
        _file.ReadExactly(text);
        int lineStart = 0, lineNumber = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != (byte)'\n')
            {
                continue;
            }

            lineNumber++;
            string line = Encoding.ASCII.GetString(text, lineStart, i - lineStart);
            string[] parts = line.Split(' ');
            if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long clientId) || parts[1].Length == 0)
            {
                throw new InvalidDataException($"{Path} line {lineNumber}: expected '<client order id> <venue order id>', found '{line}'");
            }

            _byClientId[clientId] = parts[1]; // a venue-made stop-loss leg's id is negative (NativeLegIds)
            lineStart = i + 1;
        }

        if (lineStart < text.Length)
        {
            // A crash mid-append: the order it named was not reported accepted, so the venue's records settle it.
            TornBytesCut = text.Length - lineStart;
            _file.SetLength(lineStart);
            _file.Flush(flushToDisk: true);
        }
    }

    public void Dispose() => _file.Dispose();
}
