using System.Collections.Concurrent;
using System.Diagnostics;
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
/// time-sorted CSV file with symbols in that order would: the stream is the day's rows sorted by
/// timestamp, then symbol, then kind, then place in their file. Whoever reads a day (the prefetch
/// thread, or the caller without it) also merges it into that order — one cursor index per row —
/// so pulling a tick only copies the next row into the <see cref="MarketTick"/>. With
/// <c>prefetch</c> (the default) one background thread reads, decodes and merges the next days
/// while the caller pulls the current one: days are handed over strictly in order, at most
/// <see cref="PrefetchDays"/> days ahead, so the stream is the same as without it and memory stays
/// bounded. Pulling a row allocates nothing (a day's hand-over and the files' open do). A file
/// whose timestamps go back is refused with its name, as <c>data verify</c> refuses it. Not
/// thread-safe: one thread pulls. Dispose (or drain) it to end the prefetch thread.
/// </remarks>
public sealed class CatalogMarketDataSource : IMarketDataSource, IDisposable
{
    /// <summary>Decoded days the prefetch thread may hold ahead of the one being pulled.</summary>
    public const int PrefetchDays = 2;

    private readonly int[] _symbolOf;
    private readonly CatalogKind[] _kindOf;
    private readonly DayFiles[] _days;
    private readonly int[] _next;
    private readonly long _fromNs;
    private readonly long _toNs;
    private readonly BlockingCollection<DaySlot>? _free;
    private readonly BlockingCollection<DaySlot>? _ready;
    private readonly CancellationTokenSource? _stop;
    private readonly CatalogFileDecoder? _decoder;
    private DaySlot? _current;
    private PartitionRows?[] _rows = [];
    private int[] _order = [];
    private int _at;
    private int _count;
    private int _nextDay;

    /// <summary>Every symbol of <paramref name="symbols"/> that the catalog holds, bars and ticks, over [<paramref name="fromNs"/>, <paramref name="toNs"/>).</summary>
    /// <param name="catalog">The catalog's listing.</param>
    /// <param name="symbols">The symbols to replay; their order breaks timestamp ties.</param>
    /// <param name="fromNs">First timestamp kept (ns).</param>
    /// <param name="toNs">Timestamps from here on are left out (ns).</param>
    /// <param name="prefetch">Read, decode and merge the next days on one background thread (false: on the caller's thread, when it reaches them).</param>
    public CatalogMarketDataSource(MarketDataCatalog catalog, SymbolTable symbols, long fromNs = long.MinValue, long toNs = long.MaxValue, bool prefetch = true)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(symbols);
        _fromNs = fromNs;
        _toNs = toNs;
        var symbolOf = new List<int>();
        var kindOf = new List<CatalogKind>();
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

                    files.Add((symbolOf.Count, partition.Path));
                }

                // A cursor per symbol and kind; its index is its rank among equal timestamps.
                symbolOf.Add(id);
                kindOf.Add(kind);
            }
        }

        _symbolOf = [.. symbolOf];
        _kindOf = [.. kindOf];
        _next = new int[_symbolOf.Length];
        _days = [.. byDay.Values.Select(files => new DayFiles([.. files.Select(f => f.Cursor)], [.. files.Select(f => f.Path)]))];
        if (!prefetch || _days.Length <= 1)
        {
            _current = new DaySlot(_symbolOf.Length);
            _decoder = new CatalogFileDecoder();
            return;
        }

        _free = new BlockingCollection<DaySlot>(PrefetchDays + 1);
        _ready = new BlockingCollection<DaySlot>(PrefetchDays + 1);
        for (int i = 0; i < PrefetchDays + 1; i++)
        {
            _free.Add(new DaySlot(_symbolOf.Length));
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
        while (_at == _count)
        {
            if (!NextDay())
            {
                tick = default;
                return false;
            }
        }

        int c = _order[_at++];
        _rows[c]!.ToTick(_next[c]++, _symbolOf[c], out tick);
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

        _decoder?.Dispose();
    }

    /// <summary>Makes the next day's merged rows current (false when no day is left); rethrows, in order, a file's read error.</summary>
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
            Fill(slot, files, _decoder!);
        }
        else
        {
            if (_current is not null)
            {
                _free!.Add(_current);
                _current = null;
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
            _next[c] = slot.Start[c];
        }

        _rows = slot.Rows;
        _order = slot.Order;
        _count = slot.Total;
        _at = 0;
        return true;
    }

    /// <summary>The prefetch thread: every day in order into a free slot, handed over through the ready queue.</summary>
    private void Prefetch()
    {
        using var decoder = new CatalogFileDecoder();
        try
        {
            foreach (DayFiles files in _days)
            {
                DaySlot slot = _free!.Take(_stop!.Token);
                Fill(slot, files, decoder);
                _ready!.Add(slot, _stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed before the end: nobody takes more days.
        }
    }

    /// <summary>
    /// Reads a day's files into the slot, cuts each to [from, to) and merges them; a read error (or a file
    /// whose timestamps go back) is kept for the puller to throw when it reaches the day.
    /// </summary>
    private void Fill(DaySlot slot, DayFiles files, CatalogFileDecoder decoder)
    {
        slot.Count = 0;
        slot.Total = 0;
        slot.Error = null;
        try
        {
            for (int f = 0; f < files.Paths.Length; f++)
            {
                int c = files.Cursors[f];
                PartitionRows rows = slot.Rows[c] ??= new PartitionRows(_kindOf[c]);
                CatalogFile.Read(files.Paths[f], rows, decoder);
                ReadOnlySpan<long> ts = rows.Timestamps;
                for (int i = 1; i < ts.Length; i++)
                {
                    if (ts[i] < ts[i - 1])
                    {
                        throw new InvalidDataException($"Catalog file '{files.Paths[f]}': row {i + 1}: timestamp {ts[i]} is earlier than the row before (not sorted; `data verify` lists such files)");
                    }
                }

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
                    slot.Ts[c] = rows.ColumnArray(0);
                    slot.Start[c] = start;
                    slot.End[c] = end;
                    slot.Present[slot.Count++] = c;
                    slot.Total = checked(slot.Total + (end - start));
                }
            }

            Merge(slot);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            slot.Count = 0;
            slot.Total = 0;
            slot.Error = ExceptionDispatchInfo.Capture(ex);
        }
    }

    /// <summary>
    /// The day's rows in stream order, as the cursor each comes from: by timestamp, ties in cursor order, a cursor's rows
    /// in file order. Each step takes the smallest timestamp among the cursors' next rows; when one cursor alone holds it,
    /// that cursor's whole run below the next smallest goes at once (ticks), else every cursor at it gives its rows at that
    /// time in cursor order (bars of many symbols sharing minutes: a pass over the cursors per minute, not a heap per row).
    /// Many cursors giving a row or two a step (ticks of many symbols) go on through a heap in the same order (<see cref="HeapFrom"/>).
    /// </summary>
    private static void Merge(DaySlot slot)
    {
        if (slot.Order.Length < slot.Total)
        {
            slot.Order = new int[Math.Max(slot.Total, Math.Min(Array.MaxLength, 2 * slot.Order.Length))];
        }

        int[] order = slot.Order;
        int[] active = slot.Active;
        int[] pos = slot.Pos;
        int m = slot.Count;
        for (int k = 0; k < m; k++)
        {
            int c = slot.Present[k];
            active[k] = c;
            pos[c] = slot.Start[c];
        }

        int n = 0;
        long scanned = 0; // cursors looked at by the pass so far
        while (m > 0)
        {
            if (m > HeapFrom && scanned > 8L * (n + m))
            {
                // Few rows a step among many cursors (ticks whose times seldom line up): a heap from here on. The pass
                // ends each step with every row at its timestamp given, so the heap goes on in the same order.
                n = MergeByHeap(slot, order, n, m);
                break;
            }

            scanned += m;
            long min = long.MaxValue, second = long.MaxValue;
            int atMin = 0, only = -1;
            for (int k = 0; k < m; k++)
            {
                int c = active[k];
                long t = slot.Ts[c][pos[c]];
                if (t < min)
                {
                    second = min;
                    min = t;
                    only = k;
                    atMin = 1;
                }
                else if (t == min)
                {
                    atMin++;
                }
                else if (t < second)
                {
                    second = t;
                }
            }

            int kept = 0;
            for (int k = 0; k < m; k++)
            {
                int c = active[k];
                long[] ts = slot.Ts[c];
                int p = pos[c], end = slot.End[c];
                if (atMin > 1)
                {
                    while (p < end && ts[p] == min)
                    {
                        order[n++] = c;
                        p++;
                    }
                }
                else if (k == only)
                {
                    // Alone at min: its run up to (not at) the next smallest timestamp, at least one row.
                    do
                    {
                        order[n++] = c;
                        p++;
                    }
                    while (p < end && ts[p] < second);
                }

                pos[c] = p;
                if (p < end)
                {
                    active[kept++] = c;
                }
            }

            m = kept;
        }

        Debug.Assert(n == slot.Total, "every row of the day is in the order once");
    }

    /// <summary>
    /// Active cursors above which the merge may go on through a binary heap: the pass costs a look at every active cursor
    /// per step, nearly nothing a row when many symbols' bars share each minute, but a look at every cursor for each row
    /// or two when hundreds of symbols' ticks seldom share a time; a heap costs about log2 of the cursors a row. The pass
    /// hands over once it has looked at more than 8 cursors per row.
    /// </summary>
    private const int HeapFrom = 16;

    /// <summary>
    /// Goes on from row <paramref name="n"/> in the pass's order of <see cref="Merge"/> — by timestamp, ties in cursor order, a
    /// cursor's rows in file order — through a heap of the <paramref name="m"/> active cursors keyed by (next timestamp, cursor);
    /// returns the rows ordered in all.
    /// </summary>
    private static int MergeByHeap(DaySlot slot, int[] order, int n, int m)
    {
        int[] heap = slot.Active;
        int[] pos = slot.Pos;
        for (int k = (m / 2) - 1; k >= 0; k--)
        {
            SiftDown(slot, heap, m, k);
        }

        while (m > 0)
        {
            int c = heap[0];
            order[n++] = c;
            if (++pos[c] == slot.End[c])
            {
                heap[0] = heap[--m];
            }

            if (m > 0)
            {
                SiftDown(slot, heap, m, 0);
            }
        }

        return n;
    }

    private static void SiftDown(DaySlot slot, int[] heap, int m, int k)
    {
        int c = heap[k];
        while (true)
        {
            int child = (2 * k) + 1;
            if (child >= m)
            {
                break;
            }

            if (child + 1 < m && Before(slot, heap[child + 1], heap[child]))
            {
                child++;
            }

            if (!Before(slot, heap[child], c))
            {
                break;
            }

            heap[k] = heap[child];
            k = child;
        }

        heap[k] = c;
    }

    /// <summary>Whether cursor <paramref name="a"/>'s next row comes before cursor <paramref name="b"/>'s: earlier timestamp, or the same and the lower cursor.</summary>
    private static bool Before(DaySlot slot, int a, int b)
    {
        long ta = slot.Ts[a][slot.Pos[a]];
        long tb = slot.Ts[b][slot.Pos[b]];
        return ta < tb || (ta == tb && a < b);
    }

    /// <summary>One UTC day's files: the cursor (symbol and kind) each belongs to.</summary>
    private sealed record DayFiles(int[] Cursors, string[] Paths);

    /// <summary>
    /// A decoded day: per cursor its rows (buffers reused from day to day) and the range [Start, End) in [from, to);
    /// the present cursors in cursor order; the merged order of its <see cref="Total"/> rows (the cursor of each).
    /// </summary>
    private sealed class DaySlot(int cursors)
    {
        public readonly PartitionRows?[] Rows = new PartitionRows?[cursors];
        public readonly long[][] Ts = new long[cursors][];
        public readonly int[] Start = new int[cursors];
        public readonly int[] End = new int[cursors];
        public readonly int[] Present = new int[cursors];
        public readonly int[] Active = new int[cursors];
        public readonly int[] Pos = new int[cursors];
        public int[] Order = [];
        public int Count;
        public int Total;
        public ExceptionDispatchInfo? Error;
    }
}
