using Orchestrator.Core;

namespace Orchestrator.Adapters.MarketData.Catalog;

/// <summary>
/// The rows of one partition as columns of raw longs (timestamp first), reused from partition to
/// partition: the buffers grow to the largest partition seen and are never shrunk, so a reader in
/// steady state allocates nothing per row.
/// </summary>
/// <remarks>Bars: timestamp, open, high, low, close, volume. Ticks: timestamp, price, size, bid, ask, bid_size, ask_size.</remarks>
public sealed class PartitionRows
{
    private static readonly string[] s_barColumns = ["timestamp", "open", "high", "low", "close", "volume"];
    private static readonly string[] s_tickColumns = ["timestamp", "price", "size", "bid", "ask", "bid_size", "ask_size"];

    private long[][] _columns;
    private byte[] _file = [];

    public PartitionRows(CatalogKind kind, int capacity = 512)
    {
        Kind = kind;
        _columns = new long[ColumnNames(kind).Count][];
        for (int c = 0; c < _columns.Length; c++)
        {
            _columns[c] = new long[Math.Max(capacity, 1)];
        }
    }

    public CatalogKind Kind { get; }

    /// <summary>Rows held.</summary>
    public int Count { get; private set; }

    /// <summary>Columns per row (timestamp included).</summary>
    public int ColumnCount => _columns.Length;

    /// <summary>The kind's column names in file order.</summary>
    public static IReadOnlyList<string> ColumnNames(CatalogKind kind) => kind == CatalogKind.Bars ? s_barColumns : s_tickColumns;

    /// <summary>The first <see cref="Count"/> values of a column.</summary>
    public Span<long> Column(int column) => _columns[column].AsSpan(0, Count);

    /// <summary>A column's whole buffer (its first <see cref="Count"/> values are the rows'; valid until the next <see cref="Reset"/> or <see cref="Add"/>).</summary>
    internal long[] ColumnArray(int column) => _columns[column];

    /// <summary>Timestamps (ns) of the rows.</summary>
    public Span<long> Timestamps => Column(0);

    /// <summary>A reused buffer of at least <paramref name="size"/> bytes for a partition file's bytes (grown, never shrunk).</summary>
    internal byte[] FileBuffer(int size)
    {
        if (_file.Length < size)
        {
            _file = new byte[Math.Max(size, _file.Length * 2)];
        }

        return _file;
    }

    /// <summary>Forgets the rows (keeps the buffers) and makes room for <paramref name="count"/> rows, which the caller fills through <see cref="Column"/>.</summary>
    public void Reset(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > _columns[0].Length)
        {
            int size = Math.Max(count, _columns[0].Length * 2);
            for (int c = 0; c < _columns.Length; c++)
            {
                _columns[c] = new long[size];
            }
        }

        Count = count;
    }

    /// <summary>Appends a tick's values (bars: open/high/low/close/volume; ticks: price/size/bid/ask/sizes).</summary>
    public void Add(in MarketTick tick)
    {
        if (Count == _columns[0].Length)
        {
            for (int c = 0; c < _columns.Length; c++)
            {
                Array.Resize(ref _columns[c], _columns[c].Length * 2);
            }
        }

        int i = Count++;
        _columns[0][i] = tick.TsEventNs;
        if (Kind == CatalogKind.Bars)
        {
            _columns[1][i] = tick.OpenRaw;
            _columns[2][i] = tick.HighRaw;
            _columns[3][i] = tick.LowRaw;
            _columns[4][i] = tick.PriceRaw;
            _columns[5][i] = tick.Size;
        }
        else
        {
            _columns[1][i] = tick.PriceRaw;
            _columns[2][i] = tick.Size;
            _columns[3][i] = tick.BidRaw;
            _columns[4][i] = tick.AskRaw;
            _columns[5][i] = tick.BidSize;
            _columns[6][i] = tick.AskSize;
        }
    }

    /// <summary>Row <paramref name="i"/> as the tick the file reader would have produced for it.</summary>
    public void ToTick(int i, int symbolId, out MarketTick tick)
    {
        tick = default;
        tick.SymbolId = symbolId;
        tick.TsEventNs = _columns[0][i];
        if (Kind == CatalogKind.Bars)
        {
            tick.Kind = EventKind.Bar;
            tick.OpenRaw = _columns[1][i];
            tick.HighRaw = _columns[2][i];
            tick.LowRaw = _columns[3][i];
            tick.PriceRaw = _columns[4][i];
            tick.Size = _columns[5][i];
        }
        else
        {
            tick.Kind = EventKind.TradeTick;
            tick.PriceRaw = _columns[1][i];
            tick.Size = _columns[2][i];
            tick.BidRaw = _columns[3][i];
            tick.AskRaw = _columns[4][i];
            tick.BidSize = _columns[5][i];
            tick.AskSize = _columns[6][i];
        }
    }

    /// <summary>Whether rows <paramref name="a"/> and <paramref name="b"/> hold the same values in every column.</summary>
    public bool SameRow(int a, int b)
    {
        for (int c = 0; c < _columns.Length; c++)
        {
            if (_columns[c][a] != _columns[c][b])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Sorts the rows by timestamp, stable (equal timestamps keep their order of arrival); returns
    /// how many rows arrived earlier than the row before them (0 = already sorted, nothing moved).
    /// </summary>
    public int SortByTime()
    {
        int outOfOrder = 0;
        Span<long> ts = Timestamps;
        for (int i = 1; i < ts.Length; i++)
        {
            if (ts[i] < ts[i - 1])
            {
                outOfOrder++;
            }
        }

        if (outOfOrder == 0)
        {
            return 0;
        }

        int[] order = new int[Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        long[] keys = ts.ToArray();
        Array.Sort(order, (x, y) => keys[x] != keys[y] ? keys[x].CompareTo(keys[y]) : x.CompareTo(y));
        var scratch = new long[Count];
        for (int c = 0; c < _columns.Length; c++)
        {
            long[] column = _columns[c];
            for (int i = 0; i < order.Length; i++)
            {
                scratch[i] = column[order[i]];
            }

            scratch.AsSpan().CopyTo(column);
        }

        return outOfOrder;
    }

    /// <summary>Keeps only the rows whose <paramref name="keep"/> flag is set, in order.</summary>
    public void Compact(ReadOnlySpan<bool> keep)
    {
        int n = 0;
        for (int i = 0; i < Count; i++)
        {
            if (!keep[i])
            {
                continue;
            }

            for (int c = 0; c < _columns.Length; c++)
            {
                _columns[c][n] = _columns[c][i];
            }

            n++;
        }

        Count = n;
    }
}
