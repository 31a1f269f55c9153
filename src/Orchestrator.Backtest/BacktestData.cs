using System.Globalization;
using System.Runtime.CompilerServices;
using NLog;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Core;

namespace Orchestrator.Backtest;

/// <summary>
/// A CSV or JSONL market data file read once into compact columns (issue 20: the backtest used to
/// read it twice, a scan for its symbols and then the replay). Symbols are collected while reading
/// (<see cref="DiscoveredSymbols"/>), so the engine's fixed symbol table can be built before the
/// run; rows out of time order are sorted (stable), and duplicate bars (same symbol and time) are
/// dropped when identical and refused when they differ. <see cref="Open()"/> gives any number of
/// independent, allocation-free sources over the same read-only rows (one per backtest: threads
/// may share one load).
/// </summary>
/// <remarks>
/// Memory: 57 bytes a row (time, symbol, line, kind, open, high, low, close, size; the quote
/// columns only when a tick carries a quote), plus 4 bytes a row when rows had to be reordered or
/// dropped. A catalog streams instead; a text file has to be read to the end before the first
/// event because its last line may name a symbol the engine must know from the start.
/// </remarks>
public sealed class BacktestData
{
    private const int BlockShift = 16;
    private const int BlockSize = 1 << BlockShift;
    private const int BlockMask = BlockSize - 1;

    private readonly List<Block> _blocks = [];
    private int[]? _order; // rows in replay order when the file's order is not it (sorted, duplicates dropped)

    private BacktestData(string path)
    {
        FilePath = path;
    }

    public string FilePath { get; }

    private string[] _symbols = [];

    /// <summary>Distinct symbols, upper case, ordinal order (the engine's symbol ids).</summary>
    public IReadOnlyList<string> Symbols => _symbols;

    /// <summary>Events a source gives (good rows less dropped duplicates).</summary>
    public long Count { get; private set; }

    /// <summary>Earliest event time (ns), 0 when there is none.</summary>
    public long FirstNs { get; private set; }

    /// <summary>Latest event time (ns), 0 when there is none.</summary>
    public long LastNs { get; private set; }

    /// <summary>Non-blank data lines read.</summary>
    public long LinesRead { get; private set; }

    /// <summary>Malformed lines skipped (logged by the reader with file and line).</summary>
    public long Rejected { get; private set; }

    /// <summary>Rows whose time was earlier than the previous row's: the rows were sorted by time (stable).</summary>
    public long OutOfOrder { get; private set; }

    /// <summary>Bars repeating an earlier bar of the same symbol and time with the same values: dropped.</summary>
    public long Duplicates { get; private set; }

    /// <summary>Reads <paramref name="path"/> once.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">A bad header, or two bars of one symbol and time that differ (file and both lines named).</exception>
    public static BacktestData Load(string path, Logger? logger = null)
    {
        logger ??= LogManager.GetLogger("Orchestrator.Backtest");
        var data = new BacktestData(path);
        var symbols = new DiscoveredSymbols();
        bool sorted = true;
        long previous = long.MinValue;
        using (var reader = new MarketDataFileReader(path, symbols, logger))
        {
            long row = 0;
            while (reader.TryGetNext(out MarketTick tick))
            {
                sorted &= tick.TsEventNs >= previous;
                previous = tick.TsEventNs;
                data.Append(row++, in tick, reader.LineNumber);
            }

            data.Count = row;
            data.LinesRead = reader.LinesRead;
            data.Rejected = reader.Rejected;
            data.OutOfOrder = reader.OutOfOrder;
        }

        data.Renumber(symbols);
        if (!sorted)
        {
            data._order = data.SortedRows();
            logger.Warn("Market data file {File}: {OutOfOrder} row(s) earlier than the row before them; the rows were sorted by time (stable)", Path.GetFileName(path), data.OutOfOrder);
        }

        data.DropDuplicateBars(logger);
        return data;
    }

    /// <summary>A new source over the rows in time order; allocation-free, independent of other sources.</summary>
    public IMarketDataSource Open() => new Cursor(this, null, 0, Count);

    /// <summary>
    /// A new source over the rows in [<paramref name="fromNs"/>, <paramref name="toNs"/>) only, in time
    /// order: both ends found by binary search, so a run over a short span (a walk-forward window)
    /// does not pass over the rest of the data.
    /// </summary>
    public IMarketDataSource Open(long fromNs, long toNs) => new Cursor(this, null, Position(fromNs), Math.Max(Position(fromNs), Position(toNs)));

    /// <summary>
    /// A new source over the rows of <paramref name="symbols"/> only, numbered as they are listed
    /// there (an engine whose symbol table is that list); a symbol the data lacks gives no rows.
    /// </summary>
    public IMarketDataSource Open(IReadOnlyList<string> symbols)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        int[] map = new int[Symbols.Count];
        Array.Fill(map, -1);
        for (int i = 0; i < symbols.Count; i++)
        {
            int id = Array.BinarySearch(_symbols, symbols[i], StringComparer.Ordinal);
            if (id >= 0)
            {
                map[id] = i;
            }
        }

        return new Cursor(this, map, 0, Count);
    }

    /// <summary>The first position in replay order whose time is at or after <paramref name="tsNs"/> (<see cref="Count"/> when none).</summary>
    private long Position(long tsNs)
    {
        long lo = 0, hi = Count;
        while (lo < hi)
        {
            long mid = lo + ((hi - lo) / 2);
            if (TsAt(_order is { } order ? order[mid] : (int)mid) < tsNs)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per line: fully optimized at once, not after tiering (a one-shot CLI read is over before tier 1)
    private void Append(long row, in MarketTick tick, long line)
    {
        if (row >= int.MaxValue)
        {
            throw new InvalidDataException($"Market data file '{FilePath}' holds more than {int.MaxValue} rows: import it into a catalog (orchestrator data import) and backtest from there");
        }

        int offset = (int)(row & BlockMask);
        if (offset == 0)
        {
            _blocks.Add(new Block());
        }

        Block block = _blocks[^1];
        block.Ts[offset] = tick.TsEventNs;
        block.Symbol[offset] = tick.SymbolId;
        block.Line[offset] = (int)Math.Min(line, int.MaxValue);
        block.Kind[offset] = (byte)tick.Kind;
        block.Open[offset] = tick.OpenRaw;
        block.High[offset] = tick.HighRaw;
        block.Low[offset] = tick.LowRaw;
        block.Close[offset] = tick.PriceRaw;
        block.Size[offset] = tick.Size;
        if ((tick.BidRaw | tick.AskRaw | tick.BidSize | tick.AskSize) != 0)
        {
            block.Quotes ??= new long[4 * BlockSize];
            block.Quotes[4 * offset] = tick.BidRaw;
            block.Quotes[(4 * offset) + 1] = tick.AskRaw;
            block.Quotes[(4 * offset) + 2] = tick.BidSize;
            block.Quotes[(4 * offset) + 3] = tick.AskSize;
        }

        FirstNs = row == 0 ? tick.TsEventNs : Math.Min(FirstNs, tick.TsEventNs);
        LastNs = row == 0 ? tick.TsEventNs : Math.Max(LastNs, tick.TsEventNs);
    }

    /// <summary>Symbol ids from order of appearance to ordinal order of the names (what the scan gave the engine).</summary>
    private void Renumber(DiscoveredSymbols symbols)
    {
        string[] names = [.. symbols.Names.Order(StringComparer.Ordinal)];
        int[] map = new int[symbols.Count];
        for (int id = 0; id < map.Length; id++)
        {
            map[id] = Array.BinarySearch(names, symbols.Names[id], StringComparer.Ordinal);
        }

        _symbols = names;
        foreach (Block block in _blocks)
        {
            for (int i = 0; i < BlockSize; i++)
            {
                block.Symbol[i] = block.Symbol[i] < map.Length ? map[block.Symbol[i]] : 0;
            }
        }
    }

    private ref long TsAt(int row) => ref _blocks[row >> BlockShift].Ts[row & BlockMask];

    private int[] SortedRows()
    {
        int[] rows = new int[Count];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = i;
        }

        Array.Sort(rows, (a, b) =>
        {
            int byTime = TsAt(a).CompareTo(TsAt(b));
            return byTime != 0 ? byTime : a.CompareTo(b); // stable: the file's order among equal times
        });
        return rows;
    }

    /// <summary>Bars of one symbol at one time after the first: identical ones dropped and counted, differing ones refused.</summary>
    private void DropDuplicateBars(Logger logger)
    {
        int[] lastRow = new int[Symbols.Count];
        Array.Fill(lastRow, -1);
        List<int>? kept = null;
        for (int i = 0; i < Count; i++)
        {
            int row = _order is null ? i : _order[i];
            Block block = _blocks[row >> BlockShift];
            int offset = row & BlockMask;
            int symbol = block.Symbol[offset];
            int last = lastRow[symbol];
            bool duplicate = false;
            if (block.Kind[offset] == (byte)EventKind.Bar && last >= 0)
            {
                Block lastBlock = _blocks[last >> BlockShift];
                int lastOffset = last & BlockMask;
                if (lastBlock.Kind[lastOffset] == (byte)EventKind.Bar && lastBlock.Ts[lastOffset] == block.Ts[offset])
                {
                    if (lastBlock.Open[lastOffset] != block.Open[offset] || lastBlock.High[lastOffset] != block.High[offset]
                        || lastBlock.Low[lastOffset] != block.Low[offset] || lastBlock.Close[lastOffset] != block.Close[offset]
                        || lastBlock.Size[lastOffset] != block.Size[offset])
                    {
                        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                            $"Market data file '{FilePath}' line {block.Line[offset]}: a second {Symbols[symbol]} bar at the time of line {lastBlock.Line[lastOffset]} with other values; remove one of them"));
                    }

                    duplicate = true;
                }
            }

            if (duplicate)
            {
                if (kept is null)
                {
                    kept = new List<int>((int)Count);
                    for (int k = 0; k < i; k++)
                    {
                        kept.Add(_order is null ? k : _order[k]);
                    }

                    logger.Warn("Market data file {File} line {Line}: the same {Symbol} bar as line {Previous}; duplicate bars are dropped and counted, this warning is not repeated",
                        Path.GetFileName(FilePath), block.Line[offset], Symbols[symbol], _blocks[last >> BlockShift].Line[last & BlockMask]);
                }

                Duplicates++;
                continue;
            }

            if (block.Kind[offset] == (byte)EventKind.Bar)
            {
                lastRow[symbol] = row; // the symbol's last bar: a tick between two bars at one time must not hide the second
            }

            kept?.Add(row);
        }

        if (kept is not null)
        {
            _order = [.. kept];
            Count = _order.Length;
        }
    }

    private sealed class Block
    {
        public readonly long[] Ts = new long[BlockSize];
        public readonly int[] Symbol = new int[BlockSize];
        public readonly int[] Line = new int[BlockSize];
        public readonly byte[] Kind = new byte[BlockSize];
        public readonly long[] Open = new long[BlockSize];
        public readonly long[] High = new long[BlockSize];
        public readonly long[] Low = new long[BlockSize];
        public readonly long[] Close = new long[BlockSize];
        public readonly long[] Size = new long[BlockSize];
        public long[]? Quotes; // bid, ask, bid size, ask size per row, when any tick of the block has a quote
    }

    /// <summary>One pass over the rows in time order.</summary>
    private sealed class Cursor(BacktestData data, int[]? symbolMap, long first, long end) : IMarketDataSource
    {
        private long _next = first;

        public bool TryGetNext(out MarketTick tick)
        {
            int row;
            int symbol;
            do
            {
                if (_next >= end)
                {
                    tick = default;
                    return false;
                }

                row = data._order is { } order ? order[_next] : (int)_next;
                _next++;
                symbol = data._blocks[row >> BlockShift].Symbol[row & BlockMask];
                symbol = symbolMap is null ? symbol : symbolMap[symbol];
            }
            while (symbol < 0);

            Block block = data._blocks[row >> BlockShift];
            int i = row & BlockMask;
            tick = new MarketTick
            {
                Kind = (EventKind)block.Kind[i],
                SymbolId = symbol,
                TsEventNs = block.Ts[i],
                OpenRaw = block.Open[i],
                HighRaw = block.High[i],
                LowRaw = block.Low[i],
                PriceRaw = block.Close[i],
                Size = block.Size[i],
            };
            if (block.Quotes is { } quotes)
            {
                tick.BidRaw = quotes[4 * i];
                tick.AskRaw = quotes[(4 * i) + 1];
                tick.BidSize = quotes[(4 * i) + 2];
                tick.AskSize = quotes[(4 * i) + 3];
            }

            return true;
        }
    }
}
