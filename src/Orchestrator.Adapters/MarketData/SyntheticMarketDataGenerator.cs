using System.Runtime.CompilerServices;
using Orchestrator.Core;

namespace Orchestrator.Adapters.MarketData;

/// <summary>
/// The embedded default market data: trade ticks with quotes for a set of symbols, each price a
/// geometric Brownian motion, all from one seeded PRNG. Pure and deterministic — no clock, no
/// allocation per tick — so the same options give the same sequence on every run and machine.
/// </summary>
/// <remarks>
/// <para>Step k (from 0) belongs to symbol k mod N (options order) and is stamped
/// <c>StartTimeNs + k × StepIntervalNs</c>, where <see cref="StepIntervalNs"/> is
/// 10^9 / TicksPerSecond rounded to whole nanoseconds. A symbol's first tick is at its
/// <see cref="SyntheticSymbol.StartPrice"/>; every later one applies one GBM step
/// S' = S·exp((μ − σ²/2)·dt + σ·√dt·Z) with dt = N × StepIntervalNs in trading years of
/// 252 × 6.5 h.</para>
/// <para>The process runs in <c>double</c>, unrounded, so low prices never stick on the grid;
/// each tick rounds it once to the tick grid (at least one tick, at most
/// <see cref="SyntheticMarketDataOptions.MaxPriceRaw"/>). Bid and ask are the price ∓ half the
/// spread rounded outward to the grid, at least one tick away, bid at least one tick. Sizes
/// are exponential around MeanSize, rounded to a positive number of lots.</para>
/// <para>Not thread-safe: one thread calls <see cref="Next"/> (the feed's).</para>
/// </remarks>
public sealed class SyntheticMarketDataGenerator : IMarketDataSource
{
    /// <summary>Seconds in a trading year: 252 days of 6.5 hours.</summary>
    public const double TradingSecondsPerYear = 252 * 6.5 * 3600;

    private readonly int[] _symbolIds;
    private readonly double[] _prices;
    private readonly double[] _logDriftPerStep;
    private readonly double[] _logVolPerStep;
    private readonly double[] _rawPerPriceTick;
    private readonly long[] _tickRaw;
    private readonly long[] _maxPriceTicks;
    private readonly long[] _spreadBps;
    private readonly double[] _meanLots;
    private readonly double[] _maxLots;
    private readonly long[] _lotSizes;
    private Xoshiro256StarStar _random;
    private long _nextTsNs;
    private long _steps;
    private int _nextSymbol;

    /// <exception cref="ArgumentException">The options are invalid; the message lists every error.</exception>
    public SyntheticMarketDataGenerator(SyntheticMarketDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid synthetic market data options: " + string.Join("; ", errors), nameof(options));
        }

        int n = options.Symbols.Count;
        StepIntervalNs = options.StepIntervalNs;
        double dtYears = n * (StepIntervalNs / 1e9) / TradingSecondsPerYear;

        _symbolIds = new int[n];
        _prices = new double[n];
        _logDriftPerStep = new double[n];
        _logVolPerStep = new double[n];
        _rawPerPriceTick = new double[n];
        _tickRaw = new long[n];
        _maxPriceTicks = new long[n];
        _spreadBps = new long[n];
        _meanLots = new double[n];
        _maxLots = new double[n];
        _lotSizes = new long[n];
        for (int i = 0; i < n; i++)
        {
            SyntheticSymbol symbol = options.Symbols[i];
            double sigma = symbol.VolatilityAnnual;
            _symbolIds[i] = symbol.SymbolId;
            _prices[i] = (double)symbol.StartPrice;
            _logDriftPerStep[i] = (symbol.DriftAnnual - (0.5 * sigma * sigma)) * dtYears;
            _logVolPerStep[i] = sigma * Math.Sqrt(dtYears);
            _tickRaw[i] = FixedPoint.FromDecimal(symbol.TickSize);
            _rawPerPriceTick[i] = FixedPoint.Scale / (double)_tickRaw[i];
            _maxPriceTicks[i] = Math.Max(1, SyntheticMarketDataOptions.MaxPriceRaw / _tickRaw[i]);
            _spreadBps[i] = symbol.SpreadBps;
            _lotSizes[i] = symbol.LotSize;
            _meanLots[i] = (double)symbol.MeanSize / symbol.LotSize;
            _maxLots[i] = Math.Max(1, long.MaxValue / 4 / symbol.LotSize);
        }

        _random = new Xoshiro256StarStar(options.Seed);
        _nextTsNs = options.StartTimeNs;
    }

    /// <summary>Simulated time between consecutive ticks (any symbols), in ns.</summary>
    public long StepIntervalNs { get; }

    /// <summary>Ticks produced so far.</summary>
    public long Steps => _steps;

    /// <summary>Writes the next tick (a <see cref="EventKind.TradeTick"/> with quote and sizes). Never allocates.</summary>
    public void Next(out MarketTick tick)
    {
        int i = _nextSymbol;
        double price = _prices[i];
        if (_steps >= _symbolIds.Length)
        {
            price *= Math.Exp(_logDriftPerStep[i] + (_logVolPerStep[i] * _random.NextGaussian()));
            _prices[i] = price;
        }

        long tickRaw = _tickRaw[i];
        double priceTicks = Math.Round(price * _rawPerPriceTick[i]);
        long maxTicks = _maxPriceTicks[i];
        long priceRaw = (priceTicks >= 1.0 ? (priceTicks <= maxTicks ? (long)priceTicks : maxTicks) : 1) * tickRaw;

        // priceRaw ≤ long.MaxValue / 20,000 and bps ≤ 10,000: the product cannot overflow.
        long halfSpreadRaw = Math.Max(tickRaw, ((priceRaw * _spreadBps[i]) + 19_999) / 20_000);
        long bidRaw = Math.Max(tickRaw, FloorToGrid(priceRaw - halfSpreadRaw, tickRaw));
        long askRaw = CeilToGrid(priceRaw + halfSpreadRaw, tickRaw);

        tick.Kind = EventKind.TradeTick;
        tick.SymbolId = _symbolIds[i];
        tick.TsEventNs = _nextTsNs;
        tick.PriceRaw = priceRaw;
        tick.Size = NextSize(i);
        tick.BidRaw = bidRaw;
        tick.AskRaw = askRaw;
        tick.BidSize = NextSize(i);
        tick.AskSize = NextSize(i);
        tick.OpenRaw = 0;
        tick.HighRaw = 0;
        tick.LowRaw = 0;

        _nextTsNs += StepIntervalNs;
        _steps++;
        _nextSymbol = i + 1 == _symbolIds.Length ? 0 : i + 1;
    }

    /// <summary>Always <c>true</c>: the generator never runs out.</summary>
    public bool TryGetNext(out MarketTick tick)
    {
        Next(out tick);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long NextSize(int i)
    {
        double lots = Math.Round(_random.NextExponential() * _meanLots[i]);
        double max = _maxLots[i];
        return (lots < 1.0 ? 1 : lots > max ? (long)max : (long)lots) * _lotSizes[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long FloorToGrid(long raw, long tickRaw) => raw <= 0 ? 0 : raw - (raw % tickRaw);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long CeilToGrid(long raw, long tickRaw)
    {
        long remainder = raw % tickRaw;
        return remainder == 0 ? raw : raw + (tickRaw - remainder);
    }
}
