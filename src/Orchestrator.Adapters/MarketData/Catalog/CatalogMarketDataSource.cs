using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Orchestrator.Core;

namespace Orchestrator.Adapters.MarketData.Catalog;

/// <summary>
/// Replays a catalog's partitions for the symbols of a <see cref="SymbolTable"/> over
/// [fromNs, toNs) as one stream ordered by timestamp. A partition is one UTC day, so the replay
/// goes day by day: the day's partitions (one per symbol and kind) are read and decoded, then
/// k-way merged. No pre-scan: only the directory listing is read up front, each day's files when
/// the replay comes near that day.
/// </summary>
/// <remarks>
/// Equal timestamps come out in the symbol table's order (then bars before ticks), as the rows of a
/// time-sorted CSV file with symbols in that order would. With <c>prefetch</c> (the default) one
/// background thread reads and decodes the next days' files while the caller merges the current
/// one: days are handed over strictly in order, at most <see cref="PrefetchDays"/> decoded days
/// ahead, so the stream is the same as without it and memory stays bounded; the caller's thread
/// is still the only one that produces ticks. Rows allocate nothing (a day's hand-over and the
/// files' open and decode do). Files are trusted to be sorted (<c>data verify</c> checks). Not
/// thread-safe: one thread pulls. Dispose (or drain) it to end the prefetch thread.
/// </remarks>
public sealed class CatalogMarketDataSource : IMarketDataSource, IDisposable
{
    /// <summary>Decoded days the prefetch thread may hold ahead of the one being merged.</summary>
    public const int PrefetchDays = 2;

    private readonly Cursor[] _cursors;
    private readonly DayFiles[] _days;
    private readonly Cursor[] _heap;
    private readonly long _fromNs;
    private readonly long _toNs;
    private readonly BlockingCollection<DaySlot>? _free;
    private readonly BlockingCollection<DaySlot>? _ready;
    private readonly CancellationTokenSource? _stop;
    private DaySlot? _current;
    private int _nextDay;
    private int _size;

    /// <summary>Every symbol of <paramref name="symbols"/> that the catalog holds, bars and ticks, over [<paramref name="fromNs"/>, <paramref name="toNs"/>).</summary>
    /// <param name="catalog">The catalog's listing.</param>
    /// <param name="symbols">The symbols to replay; their order breaks timestamp ties.</param>
    /// <param name="fromNs">First timestamp kept (ns).</param>
    /// <param name="toNs">Timestamps from here on are left out (ns).</param>
    /// <param name="prefetch">Read and decode the next days on one background thread (false: on the caller's thread, when it reaches them).</param>
    public CatalogMarketDataSource(MarketDataCatalog catalog, SymbolTable symbols, long fromNs = long.MinValue, long toNs = long.MaxValue, bool prefetch = true)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(symbols);
        _fromNs = fromNs;
        _toNs = toNs;
        var cursors = new List<Cursor>();
        var byDay = new SortedDictionary<DateOnly, List<(int Cursor, string Path)>>();
        for (int id = 0; id < symbols.Count; id++)
        {
            foreach (CatalogKind kind in Enum.GetValues<CatalogKind>())
            {
                IReadOnlyList<CatalogPartition> partitions = catalog.PartitionsOf(symbols.GetName(id), kind, fromNs, toNs);
                if (partitions.Count == 0)
                {
                    continue;
                }

                foreach (CatalogPartition partition in partitions)
                {
                    if (!byDay.TryGetValue(partition.Day, out List<(int, string)>? files))
                    {
                        byDay[partition.Day] = files = [];
                    }

                    files.Add((cursors.Count, partition.Path));
                }

                cursors.Add(new Cursor(cursors.Count, id, kind));
            }
        }

        _cursors = [.. cursors];
        _heap = new Cursor[_cursors.Length];
        _days = [.. byDay.Values.Select(files => new DayFiles([.. files.Select(f => f.Cursor)], [.. files.Select(f => f.Path)]))];
        if (!prefetch || _days.Length <= 1)
        {
            _current = new DaySlot(_cursors.Length);
            return;
        }

        _free = new BlockingCollection<DaySlot>(PrefetchDays + 1);
        _ready = new BlockingCollection<DaySlot>(PrefetchDays + 1);
        for (int i = 0; i < PrefetchDays + 1; i++)
        {
            _free.Add(new DaySlot(_cursors.Length));
        }

        _stop = new CancellationTokenSource();
        new Thread(Prefetch) { IsBackground = true, Name = "catalog-prefetch" }.Start();
    }

    /// <summary>Partition files handed to the merge so far.</summary>
    public int PartitionsRead { get; private set; }

    /// <summary>Ticks handed out.</summary>
    public long TicksProduced { get; private set; }

    public bool TryGetNext(out MarketTick tick)
    {
        while (_size == 0)
        {
            if (!NextDay())
            {
                tick = default;
                return false;
            }
        }

        Cursor top = _heap[0];
        top.Rows!.ToTick(top.Index, top.SymbolId, out tick);
        top.Index++;
        if (top.Index < top.End)
        {
            top.Ts = top.Rows.Timestamps[top.Index];
        }
        else
        {
            _heap[0] = _heap[--_size];
            _heap[_size] = null!;
        }

        if (_size > 0)
        {
            SiftDown(0);
        }

        TicksProduced++;
        return true;
    }

    /// <summary>Ends the prefetch thread (when there is one) if the replay stops before its end.</summary>
    public void Dispose()
    {
        if (_stop is { IsCancellationRequested: false })
        {
            _stop.Cancel();
        }
    }

    /// <summary>Puts the next day's cursors on the heap (false when no day is left); rethrows, in order, a file's read error.</summary>
    private bool NextDay()
    {
        if (_nextDay == _days.Length)
        {
            Dispose();
            return false;
        }

        DayFiles files = _days[_nextDay];
        DaySlot slot;
        if (_ready is null)
        {
            slot = _current!;
            Fill(slot, files);
        }
        else
        {
            if (_current is not null)
            {
                _free!.Add(_current);
            }

            try
            {
                _current = slot = _ready.Take(_stop!.Token);
            }
            catch (OperationCanceledException)
            {
                throw new ObjectDisposedException(nameof(CatalogMarketDataSource), "the replay was disposed before its end: no more days are read");
            }
        }

        _nextDay++;
        slot.Error?.Throw();
        PartitionsRead += files.Paths.Length;
        for (int i = 0; i < slot.Count; i++)
        {
            int c = slot.Present[i];
            Cursor cursor = _cursors[c];
            cursor.Rows = slot.Rows[c];
            cursor.Index = slot.Start[c];
            cursor.End = slot.End[c];
            cursor.Ts = cursor.Rows!.Timestamps[cursor.Index];
            _heap[_size++] = cursor;
            SiftUp(_size - 1);
        }

        return true;
    }

    /// <summary>The prefetch thread: every day in order into a free slot, handed over through the ready queue.</summary>
    private void Prefetch()
    {
        try
        {
            foreach (DayFiles files in _days)
            {
                DaySlot slot = _free!.Take(_stop!.Token);
                Fill(slot, files);
                _ready!.Add(slot, _stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed before the end: nobody takes more days.
        }
    }

    /// <summary>Reads a day's files into the slot and cuts each to [from, to); a read error is kept for the merge to throw when it reaches the day.</summary>
    private void Fill(DaySlot slot, DayFiles files)
    {
        slot.Count = 0;
        slot.Error = null;
        try
        {
            for (int f = 0; f < files.Paths.Length; f++)
            {
                int c = files.Cursors[f];
                PartitionRows rows = slot.Rows[c] ??= new PartitionRows(_cursors[c].Kind);
                CatalogFile.Read(files.Paths[f], rows);
                ReadOnlySpan<long> ts = rows.Timestamps;
                int start = 0;
                while (start < ts.Length && ts[start] < _fromNs)
                {
                    start++;
                }

                int end = ts.Length;
                while (end > start && ts[end - 1] >= _toNs)
                {
                    end--;
                }

                if (start < end)
                {
                    slot.Start[c] = start;
                    slot.End[c] = end;
                    slot.Present[slot.Count++] = c;
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            slot.Count = 0;
            slot.Error = ExceptionDispatchInfo.Capture(ex);
        }
    }

    private static bool Before(Cursor a, Cursor b) => a.Ts < b.Ts || (a.Ts == b.Ts && a.Order < b.Order);

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (!Before(_heap[i], _heap[parent]))
            {
                break;
            }

            (_heap[i], _heap[parent]) = (_heap[parent], _heap[i]);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            int left = (2 * i) + 1;
            if (left >= _size)
            {
                return;
            }

            int child = left + 1 < _size && Before(_heap[left + 1], _heap[left]) ? left + 1 : left;
            if (!Before(_heap[child], _heap[i]))
            {
                return;
            }

            (_heap[i], _heap[child]) = (_heap[child], _heap[i]);
            i = child;
        }
    }

    /// <summary>One UTC day's files: the cursor (symbol and kind) each belongs to.</summary>
    private sealed record DayFiles(int[] Cursors, string[] Paths);

    /// <summary>A decoded day: per cursor its rows (buffers reused from day to day) and the range [Start, End) in [from, to).</summary>
    private sealed class DaySlot(int cursors)
    {
        public readonly PartitionRows?[] Rows = new PartitionRows?[cursors];
        public readonly int[] Start = new int[cursors];
        public readonly int[] End = new int[cursors];
        public readonly int[] Present = new int[cursors];
        public int Count;
        public ExceptionDispatchInfo? Error;
    }

    private sealed class Cursor(int order, int symbolId, CatalogKind kind)
    {
        public readonly int Order = order;
        public readonly int SymbolId = symbolId;
        public readonly CatalogKind Kind = kind;
        public PartitionRows? Rows;
        public int Index;
        public int End;
        public long Ts;
    }
}
