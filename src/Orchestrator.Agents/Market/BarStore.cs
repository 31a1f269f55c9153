using System.Collections.Concurrent;
using System.Globalization;
using Orchestrator.Core.Calendars;

namespace Orchestrator.Agents.Market;

/// <summary>
/// Per-symbol rolling OHLCV bars that the agents share (the strategy agent reads them, the
/// data agent serves indicators from them). Fed trade by trade from the market-data feed
/// (<see cref="OnTrade"/>) or loaded from a CSV bars file (<see cref="LoadCsv(string)"/>); read
/// as copies (<see cref="GetBars"/>).
/// </summary>
/// <remarks>
/// <para>Bars: a trade belongs to the bar of <see cref="BarLength"/> holding its time, by the rule of the
/// engine's bars (<see cref="SessionBars.Bounds"/>, the same code): without a calendar the bar starting at
/// <c>floor(t / BarLength)</c> (aligned to the Unix epoch; a 1d bar is the UTC day); with the symbol's exchange
/// calendar (the daemon's <c>calendars: exchange</c>) a 1d bar is the exchange's local day and a shorter bar is
/// anchored at the regular open and never crosses the open or the close, so the agents see the bars the
/// strategies, the rules and the external agents see. The bar stays <i>forming</i> until a trade past its end
/// arrives, which completes it and starts the next; intervals without trades produce no bar (no empty bars are
/// invented). A trade older than the forming bar is dropped and counted (<see cref="LateTrades"/>).</para>
/// <para>Memory is bounded: at most <see cref="CapacityPerSymbol"/> completed bars per symbol
/// (the oldest is overwritten) and at most <see cref="MaxSymbols"/> symbols (trades and bars of
/// further symbols are refused and counted).</para>
/// <para>Locking: the symbol map is a <see cref="ConcurrentDictionary{TKey, TValue}"/>, so finding a
/// symbol takes no lock. Each symbol has its own lock, held by <see cref="OnTrade"/> for a few
/// comparisons and one struct write (no allocation once the symbol is known), and by
/// <see cref="GetBars"/> for the copy of at most <see cref="CapacityPerSymbol"/> bars. The feed
/// thread can therefore wait only for a reader copying the same symbol, never for I/O, an LLM
/// call or another symbol. Every member is safe to call from any thread.</para>
/// </remarks>
public sealed class BarStore
{
    /// <summary>Default number of completed bars kept per symbol.</summary>
    public const int DefaultCapacityPerSymbol = 1_000;

    /// <summary>Default limit on the number of symbols.</summary>
    public const int DefaultMaxSymbols = 4_096;

    /// <summary>The header a CSV bars file must start with.</summary>
    public const string CsvHeader = "timestamp,symbol,open,high,low,close,volume";

    private readonly ConcurrentDictionary<string, BarSeries> _series = new(StringComparer.Ordinal);
    private readonly Func<string, BarSeries> _create;
    private readonly long _barLengthNs;
    private readonly Func<string, ExchangeCalendar?>? _calendarOf;
    private long _lateTrades;
    private long _refused;

    /// <param name="barLength">Bar length, at least 1 ms; default 1 minute.</param>
    /// <param name="capacityPerSymbol">Completed bars kept per symbol, 1..1,000,000.</param>
    /// <param name="maxSymbols">Symbols kept, 1..1,000,000.</param>
    /// <param name="calendarOf">
    /// A symbol's exchange calendar (null for none), asked once, when the symbol's first trade or bar arrives;
    /// the daemon gives the engine's (<c>TradingEngine.Calendars</c>) with <c>calendars: exchange</c>.
    /// Null (the default) = every symbol's bars are aligned to the Unix epoch (UTC).
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">When a limit is out of range.</exception>
    public BarStore(TimeSpan? barLength = null, int capacityPerSymbol = DefaultCapacityPerSymbol, int maxSymbols = DefaultMaxSymbols, Func<string, ExchangeCalendar?>? calendarOf = null)
    {
        TimeSpan length = barLength ?? TimeSpan.FromMinutes(1);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, TimeSpan.FromMilliseconds(1), nameof(barLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityPerSymbol, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacityPerSymbol, 1_000_000);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSymbols, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxSymbols, 1_000_000);
        BarLength = length;
        _barLengthNs = length.Ticks * 100;
        CapacityPerSymbol = capacityPerSymbol;
        MaxSymbols = maxSymbols;
        _calendarOf = calendarOf;
        _create = symbol => new BarSeries(CapacityPerSymbol, _calendarOf?.Invoke(symbol));
    }

    /// <summary>
    /// The <c>calendarOf</c> of a store whose bars follow <paramref name="engine"/>'s: each symbol's exchange calendar when the
    /// engine runs on exchange calendars (<c>TradingEngine.Calendars</c>, <c>calendars: exchange</c>), else null (UTC);
    /// null for a symbol the engine does not know.
    /// </summary>
    public static ExchangeCalendar? CalendarOf(Orchestrator.Engine.TradingEngine engine, string symbol)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.Calendars is { } calendars && engine.Symbols.TryGetId(symbol, out int id) && (uint)id < (uint)calendars.Length ? calendars[id] : null;
    }

    /// <summary>The bars' length (with a calendar, a bar cut at a session's open or close is shorter; see the remarks).</summary>
    public TimeSpan BarLength { get; }

    public int CapacityPerSymbol { get; }

    public int MaxSymbols { get; }

    /// <summary>Trades dropped because they were older than the symbol's forming bar.</summary>
    public long LateTrades => Interlocked.Read(ref _lateTrades);

    /// <summary>Trades and bars refused: bad numbers, or a symbol beyond <see cref="MaxSymbols"/>.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>The symbols that have bars, in no particular order.</summary>
    public IReadOnlyList<string> Symbols => [.. _series.Keys];

    /// <summary>
    /// Adds a trade (called by the feed thread). Cheap: a lock-free lookup, then O(1) under the
    /// symbol's lock, no allocation once the symbol is known.
    /// </summary>
    /// <param name="symbol">The symbol.</param>
    /// <param name="price">Trade price, above 0.</param>
    /// <param name="size">Shares, at least 0.</param>
    /// <param name="timestampNs">Trade time, ns since the Unix epoch.</param>
    /// <returns>False when the trade was refused (bad numbers, too many symbols) or was late.</returns>
    public bool OnTrade(string symbol, decimal price, long size, long timestampNs)
    {
        if (string.IsNullOrEmpty(symbol) || price <= 0 || size < 0 || timestampNs < 0)
        {
            Interlocked.Increment(ref _refused); // counter only; no ordering needed
            return false;
        }

        BarSeries? series = Find(symbol);
        if (series is null)
        {
            return false;
        }

        bool added;
        lock (series.Sync)
        {
            added = series.AddTrade(_barLengthNs, timestampNs, price, size);
        }

        if (!added)
        {
            Interlocked.Increment(ref _lateTrades); // counter only; no ordering needed
        }

        return added;
    }

    /// <summary>Adds a completed bar (a history loader's way in); refused unless newer than every bar of the symbol and well formed.</summary>
    /// <returns>Null when added, otherwise why not.</returns>
    public string? AddBar(string symbol, Bar bar)
    {
        string? problem = Check(symbol, bar);
        if (problem is not null)
        {
            Interlocked.Increment(ref _refused);
            return problem;
        }

        BarSeries? series = Find(symbol);
        if (series is null)
        {
            return "more than " + MaxSymbols.ToString(CultureInfo.InvariantCulture) + " symbols";
        }

        lock (series.Sync)
        {
            if (series.AddCompleted(bar))
            {
                return null;
            }
        }

        Interlocked.Increment(ref _refused);
        return "not newer than the symbol's latest bar";
    }

    /// <summary>
    /// A copy of the symbol's newest <paramref name="count"/> bars, oldest first: completed bars,
    /// plus the forming bar last when <paramref name="includeForming"/>. Empty for an unknown symbol.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="count"/> is less than 1.</exception>
    public IReadOnlyList<Bar> GetBars(string symbol, int count, bool includeForming = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (symbol is null || !_series.TryGetValue(symbol, out BarSeries? series))
        {
            return [];
        }

        lock (series.Sync)
        {
            return series.Copy(count, includeForming);
        }
    }

    /// <summary>Loads a CSV bars file (see <see cref="LoadCsv(TextReader, string)"/>).</summary>
    /// <exception cref="InvalidDataException">When a line is not a valid bar; names the file and line.</exception>
    public int LoadCsv(string path)
    {
        using var reader = new StreamReader(path);
        return LoadCsv(reader, path);
    }

    /// <summary>
    /// Loads bars from CSV text: the header <see cref="CsvHeader"/>, then one bar a line with an
    /// ISO-8601 timestamp (the bar's start; UTC unless it has an offset), invariant-culture
    /// numbers and an integer volume. Per symbol, timestamps must increase. Blank lines are skipped.
    /// Lines before a bad one stay loaded.
    /// </summary>
    /// <param name="reader">The text.</param>
    /// <param name="sourceName">The name used in errors (usually the path).</param>
    /// <returns>Bars loaded.</returns>
    /// <exception cref="InvalidDataException">When the header or a line is wrong; names the source, the line and the reason.</exception>
    public int LoadCsv(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string? header = reader.ReadLine();
        if (header is null || !string.Equals(header.Trim(), CsvHeader, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{sourceName}:1: the header must be '{CsvHeader}'");
        }

        int loaded = 0;
        int lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (!TryParseCsvLine(line, out string symbol, out Bar bar, out string? error))
            {
                throw new InvalidDataException($"{sourceName}:{lineNumber}: {error}");
            }

            string? refused = AddBar(symbol, bar);
            if (refused is not null)
            {
                throw new InvalidDataException($"{sourceName}:{lineNumber}: {symbol}: {refused}");
            }

            loaded++;
        }

        return loaded;
    }

    private static bool TryParseCsvLine(string line, out string symbol, out Bar bar, out string? error)
    {
        symbol = string.Empty;
        bar = default;
        string[] fields = line.Split(',');
        if (fields.Length != 7)
        {
            error = $"expected 7 fields, found {fields.Length}";
            return false;
        }

        if (!DateTimeOffset.TryParse(fields[0].Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset time))
        {
            error = "timestamp: not an ISO-8601 time";
            return false;
        }

        symbol = fields[1].Trim();
        decimal[] prices = new decimal[4];
        string[] names = ["open", "high", "low", "close"];
        for (int i = 0; i < 4; i++)
        {
            if (!decimal.TryParse(fields[i + 2].Trim(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out prices[i]))
            {
                error = names[i] + ": not a number";
                return false;
            }
        }

        if (!long.TryParse(fields[6].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long volume))
        {
            error = "volume: not a whole number of shares";
            return false;
        }

        long startNs = (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        bar = new Bar(startNs, prices[0], prices[1], prices[2], prices[3], volume);
        error = null;
        return true;
    }

    private static string? Check(string symbol, Bar bar)
    {
        if (string.IsNullOrWhiteSpace(symbol))
        {
            return "symbol: required";
        }

        if (bar.StartNs < 0)
        {
            return "timestamp: before 1970";
        }

        if (bar.Open <= 0 || bar.High <= 0 || bar.Low <= 0 || bar.Close <= 0)
        {
            return "prices must be above 0";
        }

        if (bar.High < bar.Low || bar.Open > bar.High || bar.Open < bar.Low || bar.Close > bar.High || bar.Close < bar.Low)
        {
            return "high must be the highest price and low the lowest";
        }

        return bar.Volume < 0 ? "volume: must be at least 0" : null;
    }

    private BarSeries? Find(string symbol)
    {
        if (_series.TryGetValue(symbol, out BarSeries? series))
        {
            return series;
        }

        // A new symbol (rare): the count check and the add race benignly; the limit may be
        // exceeded by the number of threads adding new symbols at the same instant.
        if (_series.Count >= MaxSymbols)
        {
            Interlocked.Increment(ref _refused); // counter only; no ordering needed
            return null;
        }

        return _series.GetOrAdd(symbol, _create);
    }
}
