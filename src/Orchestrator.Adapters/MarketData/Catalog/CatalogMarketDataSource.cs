using Orchestrator.Core;

namespace Orchestrator.Adapters.MarketData.Catalog;

/// <summary>
/// Replays a catalog's partitions for the symbols of a <see cref="SymbolTable"/> over
/// [fromNs, toNs) as one stream ordered by timestamp: a k-way merge of one cursor per symbol and
/// kind, each holding a single day's partition in reused column buffers. No pre-scan: only the
/// directory listing is read up front, each day's file when its cursor reaches it.
/// </summary>
/// <remarks>
/// Equal timestamps come out in the symbol table's order (then bars before ticks), as the rows of a
/// time-sorted CSV file with symbols in that order would. Memory is one partition per cursor; rows
/// allocate nothing (the partition's open and decode do, once per file). Files are trusted to be
/// sorted (<c>data verify</c> checks). Not thread-safe: one thread pulls.
/// </remarks>
public sealed class CatalogMarketDataSource : IMarketDataSource
{
    private readonly Cursor[] _heap;
    private readonly long _fromNs;
    private readonly long _toNs;
    private int _size;

    /// <summary>Every symbol of <paramref name="symbols"/> that the catalog holds, bars and ticks, over [<paramref name="fromNs"/>, <paramref name="toNs"/>).</summary>
    public CatalogMarketDataSource(MarketDataCatalog catalog, SymbolTable symbols, long fromNs = long.MinValue, long toNs = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(symbols);
        _fromNs = fromNs;
        _toNs = toNs;
        var cursors = new List<Cursor>();
        for (int id = 0; id < symbols.Count; id++)
        {
            foreach (CatalogKind kind in Enum.GetValues<CatalogKind>())
            {
                IReadOnlyList<CatalogPartition> partitions = catalog.PartitionsOf(symbols.GetName(id), kind, fromNs, toNs);
                if (partitions.Count > 0)
                {
                    cursors.Add(new Cursor(cursors.Count, id, [.. partitions], new PartitionRows(kind)));
                }
            }
        }

        _heap = new Cursor[cursors.Count];
        foreach (Cursor cursor in cursors)
        {
            if (LoadNext(cursor))
            {
                _heap[_size++] = cursor;
                SiftUp(_size - 1);
            }
        }
    }

    /// <summary>Partition files opened so far.</summary>
    public int PartitionsRead { get; private set; }

    /// <summary>Ticks handed out.</summary>
    public long TicksProduced { get; private set; }

    public bool TryGetNext(out MarketTick tick)
    {
        if (_size == 0)
        {
            tick = default;
            return false;
        }

        Cursor top = _heap[0];
        top.Rows.ToTick(top.Index, top.SymbolId, out tick);
        top.Index++;
        if (top.Index < top.End || LoadNext(top))
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

    /// <summary>Loads the cursor's next partition holding a row in range; false when none is left.</summary>
    private bool LoadNext(Cursor cursor)
    {
        while (cursor.NextPartition < cursor.Partitions.Length)
        {
            CatalogFile.Read(cursor.Partitions[cursor.NextPartition++].Path, cursor.Rows);
            PartitionsRead++;
            ReadOnlySpan<long> ts = cursor.Rows.Timestamps;
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
                cursor.Index = start;
                cursor.End = end;
                cursor.Ts = ts[start];
                return true;
            }
        }

        return false;
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

    private sealed class Cursor(int order, int symbolId, CatalogPartition[] partitions, PartitionRows rows)
    {
        public readonly int Order = order;
        public readonly int SymbolId = symbolId;
        public readonly CatalogPartition[] Partitions = partitions;
        public readonly PartitionRows Rows = rows;
        public int NextPartition;
        public int Index;
        public int End;
        public long Ts;
    }
}
