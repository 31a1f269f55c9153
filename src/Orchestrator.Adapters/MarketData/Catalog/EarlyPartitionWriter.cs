using System.Collections.Concurrent;

namespace Orchestrator.Adapters.MarketData.Catalog;

/// <summary>One partition gathered by <see cref="CatalogImporter"/>: its rows in order of arrival.</summary>
internal sealed class ImportPartition(CatalogKind kind, string symbol, DateOnly day, PartitionRows rows)
{
    public CatalogKind Kind { get; } = kind;

    public string Symbol { get; } = symbol;

    public DateOnly Day { get; } = day;

    /// <summary>
    /// The rows read before the partition was handed to the writer (all of them when it never was);
    /// not touched by the reader once offered. Null once written early: the buffers went back to the
    /// reader for other days (<see cref="WrittenRows"/> counts them, the early file holds them).
    /// </summary>
    public PartitionRows? Rows { get; set; } = rows;

    /// <summary>Rows in the early file (<see cref="Temp"/>).</summary>
    public int WrittenRows { get; set; }

    /// <summary>Rows read after the partition was handed to the writer (input out of order, or a later file), or null.</summary>
    public PartitionRows? Tail { get; set; }

    /// <summary>Handed to the writer (reader's thread only).</summary>
    public bool Offered { get; set; }

    /// <summary>The temporary file written early from <see cref="Rows"/>, or null (not written: done at its turn).</summary>
    public string? Temp { get; set; }
}

/// <summary>
/// The importer's second thread: encodes each partition handed over (<see cref="Offer"/>) into a
/// temporary file beside its final path while the caller's thread goes on parsing. Only a
/// partition whose rows are already in time order without repeated bar times is written (nothing
/// to sort, count or drop); any other, or one whose write fails, is left to the importer's
/// single-threaded path at its turn. Nothing is renamed here.
/// </summary>
internal sealed class EarlyPartitionWriter : IDisposable
{
    private readonly string _root;
    private readonly CatalogCompression _compression;
    private readonly BlockingCollection<ImportPartition> _queue = [];
    private readonly HashSet<string> _folders = new(StringComparer.Ordinal);
    private readonly List<string> _madeFolders = [];
    private readonly Task _worker;
    private readonly ConcurrentQueue<PartitionRows> _spareBars = new();
    private readonly ConcurrentQueue<PartitionRows> _spareTicks = new();
    private volatile bool _abandoned;

    public EarlyPartitionWriter(string root, CatalogCompression compression)
    {
        _root = root;
        _compression = compression;
        _worker = Task.Factory.StartNew(Drain, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>
    /// Empty rows for a new partition: the buffers of a partition already written early when there
    /// is one (a long import then keeps only the days in flight, and the collector has little to
    /// promote), new ones otherwise.
    /// </summary>
    public PartitionRows Rows(CatalogKind kind)
    {
        if ((kind == CatalogKind.Bars ? _spareBars : _spareTicks).TryDequeue(out PartitionRows? rows))
        {
            rows.Reset(0);
            return rows;
        }

        return new PartitionRows(kind);
    }

    /// <summary>Hands a partition the reader has moved past to the writer (once; never one whose symbol cannot name a folder).</summary>
    public void Offer(ImportPartition partition)
    {
        if (partition.Offered || CatalogLayout.SymbolProblem(partition.Symbol) is not null)
        {
            return;
        }

        partition.Offered = true;
        _queue.Add(partition);
    }

    /// <summary>The input is read: offers every partition not yet offered, then writes on the caller's thread beside the writer's until none is left.</summary>
    public void Finish(IEnumerable<ImportPartition> partitions)
    {
        foreach (ImportPartition partition in partitions)
        {
            Offer(partition);
        }

        _queue.CompleteAdding();
        Drain();
        _worker.Wait();
    }

    /// <summary>The import failed: stops the writer, deletes the temporary files not renamed and the folders made for them that are empty.</summary>
    public void Abandon(IEnumerable<ImportPartition> partitions)
    {
        _abandoned = true;
        Stop();
        foreach (ImportPartition partition in partitions)
        {
            if (partition.Temp is { } temp)
            {
                partition.Temp = null;
                File.Delete(temp);
            }
        }

        for (int i = _madeFolders.Count - 1; i >= 0; i--)
        {
            if (Directory.Exists(_madeFolders[i]) && !Directory.EnumerateFileSystemEntries(_madeFolders[i]).Any())
            {
                Directory.Delete(_madeFolders[i]);
            }
        }
    }

    public void Dispose()
    {
        Stop();
        _queue.Dispose();
    }

    private void Stop()
    {
        if (!_queue.IsAddingCompleted)
        {
            _queue.CompleteAdding();
        }

        _worker.Wait();
    }

    private void Drain()
    {
        foreach (ImportPartition partition in _queue.GetConsumingEnumerable())
        {
            if (_abandoned || partition.Rows is not { } rows || !InTimeOrder(rows))
            {
                continue;
            }

            string path = CatalogLayout.PartitionPath(_root, partition.Kind, partition.Symbol, partition.Day);
            try
            {
                MakeFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
                partition.Temp = CatalogFileWriter.WriteTemp(path, rows, partition.Symbol, partition.Day, _compression, folderExists: true);
                partition.WrittenRows = rows.Count;
                partition.Rows = null;
                (rows.Kind == CatalogKind.Bars ? _spareBars : _spareTicks).Enqueue(rows);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Left to the importer's own turn for this partition, where the same failure surfaces
                // on the caller's thread as it always did (not wrapped, not out of order).
            }
        }
    }

    /// <summary>Bars strictly ascending in time (no repeats to drop or refuse), ticks never going back.</summary>
    private static bool InTimeOrder(PartitionRows rows)
    {
        ReadOnlySpan<long> ts = rows.Timestamps;
        bool bars = rows.Kind == CatalogKind.Bars;
        for (int i = 1; i < ts.Length; i++)
        {
            if (ts[i] < ts[i - 1] || (bars && ts[i] == ts[i - 1]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Creates a partition's folder, remembering each folder this import made (for <see cref="Abandon"/>).</summary>
    private void MakeFolder(string folder)
    {
        lock (_folders)
        {
            if (!_folders.Add(folder))
            {
                return;
            }

            var missing = new List<string>();
            for (string? f = folder; f is not null && !Directory.Exists(f); f = Path.GetDirectoryName(f))
            {
                missing.Add(f);
            }

            Directory.CreateDirectory(folder);
            for (int i = missing.Count - 1; i >= 0; i--)
            {
                _madeFolders.Add(missing[i]); // outermost first
            }
        }
    }
}
