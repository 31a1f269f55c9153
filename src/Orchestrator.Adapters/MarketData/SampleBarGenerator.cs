using System.Globalization;
using System.Text;
using Orchestrator.Core.Calendars;

namespace Orchestrator.Adapters.MarketData;

/// <summary>One symbol of the sample data set.</summary>
/// <param name="Symbol">The symbol (a six-digit code is a KRX listing, as <c>InstrumentInfo.Default</c> reads it).</param>
/// <param name="Exchange">Its exchange's MIC (a shipped calendar: XKRX, XNYS, XNAS).</param>
/// <param name="StartPrice">Price at the first open, in the currency's units.</param>
/// <param name="VolatilityAnnual">Annualised volatility (0.3 = 30 %).</param>
/// <param name="MeanVolume">Mean shares traded a minute.</param>
public sealed record SampleSymbol(string Symbol, string Exchange, decimal StartPrice, double VolatilityAnnual, long MeanVolume);

/// <summary>
/// Deterministic sample 1-minute bars on real exchange calendars, written as CSV in the bar format the
/// backtest reads (<c>timestamp,symbol,open,high,low,close,volume</c>, ISO-8601 UTC bar start times): one
/// bar per symbol for every minute of its exchange's regular session (<see cref="ExchangeCalendar"/>:
/// KRX 09:00–15:30 KST; NYSE/Nasdaq 09:30–16:00 New York time with daylight saving, 13:00 on half days),
/// none on weekends and holidays. A seeded random walk, not market history.
/// </summary>
/// <remarks>
/// <para><b>Reproducible to the byte.</b> One xoshiro256** stream (<see cref="Xoshiro256StarStar"/>)
/// drawn in a fixed order (time, then symbol order); normals are Irwin–Hall (the sum of twelve uniforms
/// − 6), so the walk uses only IEEE-754 addition, multiplication and <see cref="Math.Sqrt"/>, which are
/// exact on every platform — no <c>Log</c>/<c>Exp</c> from a platform's maths library. Prices are kept in
/// whole ticks (<c>long</c>) and printed from integers.</para>
/// <para><b>The walk.</b> Each minute the close moves by σ·√dt·z (dt = one minute of a 252 × 390-minute
/// year) from the open, which is the previous close (at a session's first bar, the previous close moved
/// by an overnight σ·√(1/252)·z/2). High and low stretch beyond the open and close by |z|·σ·√dt/2.
/// Prices round to the exchange's tick (US: 0.01; KRX: by price band, 1 won below 2,000 … 1,000 won
/// from 500,000) and never fall below one tick. Volume is the mean × a U-shaped intraday profile
/// (heavier at the open and close) × a uniform factor in [0.5, 1.5), at least 1.</para>
/// </remarks>
public sealed class SampleBarGenerator
{
    /// <summary>The default set: five US and three KRX symbols.</summary>
    public static IReadOnlyList<SampleSymbol> DefaultSymbols { get; } =
    [
        new("AAPL", "XNAS", 185.00m, 0.25, 60_000),
        new("MSFT", "XNAS", 375.00m, 0.22, 30_000),
        new("NVDA", "XNAS", 135.00m, 0.45, 250_000),
        new("AMZN", "XNAS", 150.00m, 0.30, 50_000),
        new("GOOGL", "XNAS", 140.00m, 0.28, 40_000),
        new("005930", "XKRX", 72_000m, 0.28, 25_000),
        new("000660", "XKRX", 135_000m, 0.40, 6_000),
        new("035420", "XKRX", 210_000m, 0.33, 1_500),
    ];

    /// <summary>The header line of the CSV (without its line end).</summary>
    public const string Header = "timestamp,symbol,open,high,low,close,volume";

    private const double MinutesPerYear = 252 * 390;
    private const long NsPerMinute = 60_000_000_000;

    private readonly IReadOnlyList<SampleSymbol> _symbols;
    private readonly ExchangeCalendar[] _calendars;
    private readonly int _year;
    private readonly ulong _seed;

    /// <param name="seed">The random stream's seed: the same seed, year and symbols give the same bytes.</param>
    /// <param name="year">The calendar year (one the shipped calendars cover).</param>
    /// <param name="symbols">The symbols, in the order their bars at one minute are drawn (they are written in ordinal order); <see cref="DefaultSymbols"/> when null.</param>
    /// <exception cref="ArgumentException">A symbol's exchange has no shipped calendar, the year is not covered, or a start price or volatility is not positive.</exception>
    public SampleBarGenerator(ulong seed, int year, IReadOnlyList<SampleSymbol>? symbols = null)
    {
        _symbols = symbols ?? DefaultSymbols;
        _calendars = new ExchangeCalendar[_symbols.Count];
        for (int i = 0; i < _symbols.Count; i++)
        {
            SampleSymbol s = _symbols[i];
            _calendars[i] = ExchangeCalendars.ForExchange(s.Exchange);
            if (year < _calendars[i].FirstYear || year > _calendars[i].LastYear)
            {
                throw new ArgumentException($"year {year} is outside the {s.Exchange} calendar's years {_calendars[i].FirstYear}-{_calendars[i].LastYear}", nameof(year));
            }

            if (s.StartPrice <= 0 || s.VolatilityAnnual <= 0 || s.MeanVolume <= 0)
            {
                throw new ArgumentException($"{s.Symbol}: start price, volatility and mean volume must be positive", nameof(symbols));
            }
        }

        _seed = seed;
        _year = year;
    }

    /// <summary>Writes every bar of the year to <paramref name="writer"/>, LF line ends; returns the number of bars.</summary>
    public long Write(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var random = new Xoshiro256StarStar(_seed);
        int n = _symbols.Count;
        var state = new SymbolWalk[n];
        for (int i = 0; i < n; i++)
        {
            state[i] = new SymbolWalk(_symbols[i]);
        }

        writer.Write(Header);
        writer.Write('\n');
        var line = new StringBuilder(80);
        long bars = 0;
        var sessions = new List<(long OpenNs, long CloseNs)>(n);

        // Bars at one minute are written in the symbols' ordinal order, the order a catalog replays
        // equal times in, so a backtest of this CSV and of its catalog see the same sequence.
        int[] written = [.. Enumerable.Range(0, n).OrderBy(i => _symbols[i].Symbol, StringComparer.Ordinal)];
        for (DateOnly date = new(_year, 1, 1); date.Year == _year; date = date.AddDays(1))
        {
            // Every symbol's session of this local date, walked minute by minute in time order, symbols drawn in the list's order within a minute.
            sessions.Clear();
            long first = long.MaxValue, last = long.MinValue;
            for (int i = 0; i < n; i++)
            {
                bool trades = _calendars[i].TryGetSession(date, out long open, out long close);
                sessions.Add(trades ? (open, close) : (0, 0));
                if (trades)
                {
                    (first, last) = (Math.Min(first, open), Math.Max(last, close));
                    state[i].NewSession = true;
                }
            }

            for (long ts = first; ts < last; ts += NsPerMinute)
            {
                for (int i = 0; i < n; i++)
                {
                    (long open, long close) = sessions[i];
                    if (open == 0 || ts < open || ts >= close)
                    {
                        continue;
                    }

                    double profile = Profile((double)(ts - open) / (close - open));
                    state[i].Next(ref random, profile); // drawn in the list's order
                }

                foreach (int i in written)
                {
                    (long open, long close) = sessions[i];
                    if (open == 0 || ts < open || ts >= close)
                    {
                        continue;
                    }

                    state[i].Append(line.Clear(), ts); // written in the symbols' ordinal order
                    writer.Write(line);
                    bars++;
                }
            }
        }

        return bars;
    }

    /// <summary>Writes the bars to a file (UTF-8 without BOM), replacing it; returns the number of bars.</summary>
    public long WriteFile(string path)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16);
        return Write(writer);
    }

    /// <summary>Intraday volume profile over the session's fraction f ∈ [0, 1): 1 + 2·(2f − 1)², heavier at both ends.</summary>
    private static double Profile(double f)
    {
        double centred = (2 * f) - 1;
        return 1 + (2 * centred * centred);
    }

    /// <summary>The Irwin–Hall approximation of a standard normal: exact arithmetic only.</summary>
    private static double Normal(ref Xoshiro256StarStar random)
    {
        double sum = 0;
        for (int k = 0; k < 12; k++)
        {
            sum += random.NextDouble();
        }

        return sum - 6;
    }

    /// <summary>One symbol's walk, in whole ticks of its price grid.</summary>
    private struct SymbolWalk
    {
        private readonly string _symbol;
        private readonly bool _krx;
        private readonly double _minuteVol;
        private readonly double _overnightVol;
        private readonly double _meanVolume;
        private readonly long _unitsPerCurrency; // price units per currency unit: 100 (cents) or 1 (won)
        private double _price; // in price units, unrounded
        private long _open, _high, _low, _close, _volume;

        public SymbolWalk(SampleSymbol symbol)
        {
            _symbol = symbol.Symbol;
            _krx = symbol.Exchange == "XKRX";
            _unitsPerCurrency = _krx ? 1 : 100;
            _price = (double)(symbol.StartPrice * _unitsPerCurrency);
            _minuteVol = symbol.VolatilityAnnual * Math.Sqrt(1 / MinutesPerYear);
            _overnightVol = symbol.VolatilityAnnual * Math.Sqrt(1 / 252.0) / 2;
            _meanVolume = symbol.MeanVolume;
            _close = 0;
            NewSession = true;
        }

        public bool NewSession { get; set; }

        public void Next(ref Xoshiro256StarStar random, double profile)
        {
            if (NewSession && _close != 0)
            {
                _price *= 1 + (_overnightVol * Normal(ref random));
            }

            double open = _close == 0 || NewSession ? _price : _close;
            NewSession = false;
            double close = open * (1 + (_minuteVol * Normal(ref random)));
            double high = Math.Max(open, close) * (1 + (Math.Abs(Normal(ref random)) * _minuteVol / 2));
            double low = Math.Min(open, close) * (1 - (Math.Abs(Normal(ref random)) * _minuteVol / 2));
            _price = close;
            _open = Round(open, 0);
            _close = Round(close, 0);
            _high = Math.Max(Round(high, 1), Math.Max(_open, _close));
            _low = Math.Min(Round(low, -1), Math.Min(_open, _close));
            _volume = Math.Max(1, (long)(_meanVolume * profile * (0.5 + random.NextDouble())));
        }

        public readonly void Append(StringBuilder line, long tsNs)
        {
            line.Append(DateTime.UnixEpoch.AddTicks(tsNs / 100).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append(',').Append(_symbol).Append(',');
            Price(line, _open).Append(',');
            Price(line, _high).Append(',');
            Price(line, _low).Append(',');
            Price(line, _close).Append(',');
            line.Append(_volume.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        private readonly StringBuilder Price(StringBuilder line, long units)
        {
            if (_unitsPerCurrency == 1)
            {
                return line.Append(units.ToString(CultureInfo.InvariantCulture));
            }

            return line.Append((units / 100).ToString(CultureInfo.InvariantCulture)).Append('.').Append((units % 100).ToString("D2", CultureInfo.InvariantCulture));
        }

        /// <summary>To the tick grid: nearest (direction 0), up (1) or down (−1); at least one tick.</summary>
        private readonly long Round(double price, int direction)
        {
            long tick = _krx ? KrxTick(price) : 1;
            double ticks = price / tick;
            double rounded = direction > 0 ? Math.Ceiling(ticks) : direction < 0 ? Math.Floor(ticks) : Math.Round(ticks, MidpointRounding.AwayFromZero);
            return Math.Max(tick, (long)rounded * tick);
        }

        /// <summary>KRX's tick size (won) for a price (KOSPI bands since 2023).</summary>
        private static long KrxTick(double price) => price switch
        {
            < 2_000 => 1,
            < 5_000 => 5,
            < 20_000 => 10,
            < 50_000 => 50,
            < 200_000 => 100,
            < 500_000 => 500,
            _ => 1_000,
        };
    }
}
