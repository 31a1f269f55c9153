using System.Runtime.CompilerServices;

namespace Orchestrator.Backtest;

/// <summary>
/// Turns a <see cref="BacktestResult"/> into a <see cref="BacktestReport"/>. Pure: the same result
/// and options give the same report.
/// </summary>
/// <remarks>
/// <para>Definitions (the equity curve is taken in time order; money stays decimal):</para>
/// <list type="bullet">
/// <item><b>Total return</b> = final equity / starting cash − 1. <b>CAGR</b> = (final / start)^(365.25
/// days / span) − 1, span from the first to the last equity point.</item>
/// <item><b>Period returns.</b> When the curve covers at least two UTC calendar dates it is
/// resampled to one point per UTC day — the first point of the curve (the start), then the last
/// point of each date (the first date's only if it is not the start itself) — and annualised with
/// <see cref="BacktestMetricsOptions.DailyPeriodsPerYear"/> (252). Otherwise (one date) every
/// point is a period and periods per year = 365.25 days / the median spacing of the points. A
/// return is equity / previous − 1; if any previous equity is not positive, no return statistic is
/// given.</item>
/// <item><b>Volatility</b> = stdev(r, sample, n − 1) × √P. <b>Sharpe</b> = mean(r − rf/P) / stdev(r) × √P,
/// rf the annual <see cref="BacktestMetricsOptions.RiskFreeRate"/>. <b>Sortino</b> = mean(r − rf/P)
/// / √(mean over all periods of min(r, 0)²) × √P. All need two returns or more.</item>
/// <item><b>Drawdown</b> on every point of the curve (not resampled): see
/// <see cref="BacktestReport.MaxDrawdown"/> and <see cref="BacktestReport.MaxDrawdownDurationDays"/>.</item>
/// <item><b>Trades</b>: round trips per symbol, average-cost P&amp;L net of fees (see
/// <see cref="RoundTripTrade"/>). Fills are taken in time order (stable for equal times). Win rate
/// = closed trades with P&amp;L &gt; 0 / closed trades; profit factor = sum of positive P&amp;L /
/// |sum of negative P&amp;L| over closed trades, null when none lost. Open trades are listed but not
/// counted in either.</item>
/// <item><b>Exposure</b>, time-weighted over the curve: each point's state holds until the next
/// point. Exposure time = time with gross exposure ≠ 0 / span; average gross exposure = Σ dt ×
/// gross / equity / span (null if equity is not positive during a weighted interval).</item>
/// </list>
/// <item><b>Benchmark</b> (a backtest's result: <see cref="BacktestResult.HasBenchmark"/>): the
/// buy-and-hold values of the curve's points (<see cref="BuyAndHoldBenchmark"/>) through the same
/// definitions, its total return based on its first point (the starting equity).</item>
/// <para>Anything that would divide by zero or come out NaN or infinite is null.</para>
/// <para>Speed: the methods of the report's phase that run once per fill, trade or point (here, in the
/// ledgers, the drawdown, the writers and <see cref="ReportFormat"/>) are compiled optimised at their
/// first call (<c>AggressiveOptimization</c>): a report is made once, or a few times, per process, so
/// under tiered compilation most of it ran as unoptimised tier-0 code before the optimised versions
/// arrived. The daemon's executable turns quick JIT off for the same reason; this covers other hosts
/// (the bench, tests, the optimiser).</para>
/// </remarks>
public static class BacktestMetrics
{
    private const long NsPerDay = 86_400_000_000_000;
    private const double NsPerYear = 365.25 * NsPerDay;

    /// <summary>A symbol's money in base-currency units per unit (<see cref="BacktestResult.BaseRates"/>); null when not given (every rate 1).</summary>
    private static Dictionary<string, decimal>? BaseRates(BacktestResult result)
    {
        if (result.BaseRates.Count != result.Symbols.Count)
        {
            return null;
        }

        var rates = new Dictionary<string, decimal>(StringComparer.Ordinal);
        for (int i = 0; i < result.Symbols.Count; i++)
        {
            rates[result.Symbols[i]] = result.BaseRates[i];
        }

        return rates;
    }

    /// <summary><paramref name="money"/> of <paramref name="symbol"/> in the base currency (unchanged when there are no rates: × 1 is the same decimal).</summary>
    private static decimal ToBase(decimal money, string symbol, Dictionary<string, decimal>? rates) =>
        rates is null ? money : money * (rates.TryGetValue(symbol, out decimal rate) ? rate : 1m);

    /// <summary>Computes every figure of the report.</summary>
    /// <param name="result">What the backtest produced.</param>
    /// <param name="options">Risk-free rate and periods per year; <see cref="BacktestMetricsOptions.Default"/> when null.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static BacktestReport Compute(BacktestResult result, BacktestMetricsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        options ??= BacktestMetricsOptions.Default;

        IReadOnlyList<EquityPoint> equity = InTimeOrder(result.Equity);
        decimal start = result.StartingCash;
        decimal final = equity.Count > 0 ? Core.FixedPoint.ToDecimal(equity[^1].EquityRaw) : start;
        long? startTs = equity.Count > 0 ? equity[0].TsNs : null;
        long? endTs = equity.Count > 0 ? equity[^1].TsNs : null;

        double? totalReturn = start > 0 ? (double)(final / start - 1m) : null;
        double? cagr = null;
        if (start > 0 && final > 0 && endTs > startTs)
        {
            cagr = Finite(Math.Pow((double)(final / start), NsPerYear / (double)(endTs.Value - startTs.Value)) - 1.0);
        }

        var (periodicity, returns, periodsPerYear) = PeriodReturns(equity, options);
        var (volatility, sharpe, sortino) = ReturnStatistics(returns, periodsPerYear, options.RiskFreeRate);

        DrawdownSummary drawdown = DrawdownCalculator.Analyze(equity);
        var (exposureTime, averageGross) = Exposure(equity);

        var (trades, ledgers) = ExtractTrades(result.Fills);
        Dictionary<string, decimal>? rates = BaseRates(result);
        int closed = 0, wins = 0, losses = 0;
        decimal grossProfit = 0, grossLoss = 0, fees = 0, realized = 0;
        foreach ((string symbol, SymbolLedger ledger) in ledgers)
        {
            closed += ledger.ClosedTrades;
            wins += ledger.WinningTrades;
            losses += ledger.LosingTrades;
            fees += ToBase(ledger.Fees, symbol, rates);
            realized += ToBase(ledger.RealizedPnl, symbol, rates);
            if (rates is null)
            {
                // Sums of one sign: every partial sum is at most the total, so if it is exact (it always is
                // below ~10^13 of money) the order of the terms changes no bit, and the ledgers' sums are the trades'.
                grossProfit += ledger.GrossProfit;
                grossLoss += ledger.GrossLoss;
            }
        }

        if (rates is not null)
        {
            foreach (RoundTripTrade trade in trades)
            {
                // Each trade's P&L at its symbol's rate, in the report's order (products can round).
                if (!trade.IsOpen && trade.RealizedPnl > 0)
                {
                    grossProfit += ToBase(trade.RealizedPnl, trade.Symbol, rates);
                }
                else if (!trade.IsOpen && trade.RealizedPnl < 0)
                {
                    grossLoss -= ToBase(trade.RealizedPnl, trade.Symbol, rates);
                }
            }
        }

        return new BacktestReport
        {
            StartingCash = start,
            FinalEquity = final,
            StartTsNs = startTs,
            EndTsNs = endTs,
            EquityPoints = equity.Count,
            TotalReturn = totalReturn,
            Cagr = cagr,
            Volatility = volatility,
            Sharpe = sharpe,
            Sortino = sortino,
            RiskFreeRate = options.RiskFreeRate,
            ReturnPeriodicity = periodicity,
            ReturnPeriods = returns.Length,
            PeriodsPerYear = periodsPerYear,
            MaxDrawdown = drawdown.MaxDrawdown,
            MaxDrawdownPeakTsNs = drawdown.MaxPeakTsNs,
            MaxDrawdownTroughTsNs = drawdown.MaxTroughTsNs,
            MaxDrawdownRecoveryTsNs = drawdown.MaxRecoveryTsNs,
            MaxDrawdownDurationDays = (double)drawdown.LongestNs / NsPerDay,
            LongestDrawdownStartTsNs = drawdown.LongestStartTsNs,
            LongestDrawdownEndTsNs = drawdown.LongestEndTsNs,
            LongestDrawdownRecovered = drawdown.LongestRecovered,
            TradeCount = trades.Length,
            ClosedTrades = closed,
            OpenTrades = trades.Length - closed,
            WinningTrades = wins,
            LosingTrades = losses,
            WinRate = closed > 0 ? (double)wins / closed : null,
            ProfitFactor = grossLoss > 0 ? (double)(grossProfit / grossLoss) : null,
            GrossProfit = grossProfit,
            GrossLoss = grossLoss,
            RealizedPnl = realized,
            Agents = result.Agents,
            Fees = fees,
            ExposureTime = exposureTime,
            AverageGrossExposure = averageGross,
            Events = result.Events,
            MarketEvents = result.MarketEvents,
            Signals = result.Signals,
            Rejects = result.Rejects.OrderBy(r => r.Key, StringComparer.Ordinal).ToList(),
            ElapsedSeconds = result.TotalSeconds,
            EventsPerSecond = result.TotalSeconds > 0 ? Finite(result.Events / result.TotalSeconds) : null,
            LoadSeconds = result.LoadSeconds,
            EngineSeconds = result.ElapsedSeconds,
            ReportSeconds = result.ReportSeconds,
            PerSymbol = PerSymbol(result.Symbols, ledgers),
            Trades = trades,
            Benchmark = result.HasBenchmark ? Benchmark(equity, options) : null,
        };
    }

    /// <summary>The buy-and-hold benchmark's figures: its values as an equity curve through the same definitions (its start is its first point).</summary>
    private static BenchmarkReport? Benchmark(IReadOnlyList<EquityPoint> equity, BacktestMetricsOptions options)
    {
        if (equity.Count == 0)
        {
            return null;
        }

        long first = equity[0].BenchmarkRaw;
        long last = equity[^1].BenchmarkRaw;
        long span = equity[^1].TsNs - equity[0].TsNs;
        var (_, returns, periodsPerYear) = PeriodReturns(equity, options, benchmark: true);
        var (_, sharpe, _) = ReturnStatistics(returns, periodsPerYear, options.RiskFreeRate);
        return new BenchmarkReport
        {
            FinalValue = Core.FixedPoint.ToDecimal(last),
            TotalReturn = first > 0 ? (double)((decimal)last / first - 1m) : null,
            Cagr = first > 0 && last > 0 && span > 0 ? Finite(Math.Pow((double)last / first, NsPerYear / span) - 1.0) : null,
            Sharpe = sharpe,
            MaxDrawdown = DrawdownCalculator.Analyze(equity, benchmark: true).MaxDrawdown,
        };
    }

    private static IReadOnlyList<EquityPoint> InTimeOrder(IReadOnlyList<EquityPoint> equity)
    {
        for (int i = 1; i < equity.Count; i++)
        {
            if (equity[i].TsNs < equity[i - 1].TsNs)
            {
                return equity.OrderBy(p => p.TsNs).ToArray(); // stable
            }
        }

        return equity;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (ReturnPeriodicity Periodicity, double[] Returns, double? PeriodsPerYear) PeriodReturns(
        IReadOnlyList<EquityPoint> equity, BacktestMetricsOptions options, bool benchmark = false)
    {
        if (equity.Count < 2)
        {
            return (ReturnPeriodicity.None, [], null);
        }

        List<long> values;
        ReturnPeriodicity periodicity;
        double? periodsPerYear;
        if (UtcDay(equity[0].TsNs) != UtcDay(equity[^1].TsNs))
        {
            periodicity = ReturnPeriodicity.Daily;
            periodsPerYear = options.DailyPeriodsPerYear > 0 ? options.DailyPeriodsPerYear : null;
            values = [];
            values.Add(DrawdownCalculator.Value(equity[0], benchmark));
            long day = UtcDay(equity[1].TsNs); // the UTC day of point i
            for (int i = 1; i < equity.Count; i++)
            {
                long nextDay = i == equity.Count - 1 ? day : UtcDay(equity[i + 1].TsNs);
                bool lastOfDay = i == equity.Count - 1 || nextDay != day;
                if (lastOfDay)
                {
                    values.Add(DrawdownCalculator.Value(equity[i], benchmark));
                }

                day = nextDay;
            }
        }
        else
        {
            periodicity = ReturnPeriodicity.PerPoint;
            values = new List<long>(equity.Count);
            var spacings = new long[equity.Count - 1];
            for (int i = 0; i < equity.Count; i++)
            {
                values.Add(DrawdownCalculator.Value(equity[i], benchmark));
                if (i > 0)
                {
                    spacings[i - 1] = equity[i].TsNs - equity[i - 1].TsNs;
                }
            }

            double median = Median(spacings);
            periodsPerYear = median > 0 ? NsPerYear / median : null;
        }

        var returns = new double[values.Count - 1];
        for (int i = 1; i < values.Count; i++)
        {
            if (values[i - 1] <= 0)
            {
                return (periodicity, [], periodsPerYear); // returns undefined once equity is not positive
            }

            returns[i - 1] = (double)values[i] / values[i - 1] - 1.0;
        }

        return (periodicity, returns, periodsPerYear);
    }

    private static (double? Volatility, double? Sharpe, double? Sortino) ReturnStatistics(
        double[] returns, double? periodsPerYear, double riskFreeRate)
    {
        int n = returns.Length;
        if (n < 2 || periodsPerYear is not { } perYear)
        {
            return (null, null, null);
        }

        double riskFreePerPeriod = riskFreeRate / perYear;
        double sum = 0, excessSum = 0, downsideSquares = 0;
        foreach (double r in returns)
        {
            sum += r;
            excessSum += r - riskFreePerPeriod;
            double downside = Math.Min(r, 0.0);
            downsideSquares += downside * downside;
        }

        double mean = sum / n;
        double meanExcess = excessSum / n;
        double squares = 0;
        foreach (double r in returns)
        {
            squares += (r - mean) * (r - mean);
        }

        double stdev = Math.Sqrt(squares / (n - 1));
        double downsideDeviation = Math.Sqrt(downsideSquares / n);
        double scale = Math.Sqrt(perYear);
        return (
            Finite(stdev * scale),
            stdev > 0 ? Finite(meanExcess / stdev * scale) : null,
            downsideDeviation > 0 ? Finite(meanExcess / downsideDeviation * scale) : null);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double? ExposureTime, double? AverageGross) Exposure(IReadOnlyList<EquityPoint> equity)
    {
        if (equity.Count < 2)
        {
            return (null, null);
        }

        double span = equity[^1].TsNs - equity[0].TsNs;
        if (span <= 0)
        {
            return (null, null);
        }

        double exposedNs = 0, weighted = 0;
        bool averageDefined = true;
        for (int i = 0; i < equity.Count - 1; i++)
        {
            long dt = equity[i + 1].TsNs - equity[i].TsNs;
            if (dt == 0)
            {
                continue;
            }

            if (equity[i].GrossExposureRaw != 0)
            {
                exposedNs += dt;
            }

            if (equity[i].EquityRaw > 0)
            {
                weighted += dt * ((double)equity[i].GrossExposureRaw / equity[i].EquityRaw);
            }
            else
            {
                averageDefined = false;
            }
        }

        return (Finite(exposedNs / span), averageDefined ? Finite(weighted / span) : null);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (RoundTripTrade[] Trades, SortedDictionary<string, SymbolLedger> Ledgers) ExtractTrades(IReadOnlyList<FillRecord> fills)
    {
        var bySymbol = new Dictionary<string, SymbolLedger>(StringComparer.Ordinal);
        int[]? order = TimeOrder(fills);
        SymbolLedger? ledger = null;
        for (int i = 0; i < fills.Count; i++)
        {
            FillRecord fill = fills[order is null ? i : order[i]];
            if (ledger is null || !string.Equals(ledger.Symbol, fill.Symbol, StringComparison.Ordinal)) // fills of one symbol often follow each other
            {
                if (!bySymbol.TryGetValue(fill.Symbol, out ledger))
                {
                    ledger = new SymbolLedger(fill.Symbol);
                    bySymbol.Add(fill.Symbol, ledger);
                }
            }

            ledger.Apply(fill);
        }

        var ledgers = new SortedDictionary<string, SymbolLedger>(bySymbol, StringComparer.Ordinal);
        foreach (SymbolLedger each in ledgers.Values)
        {
            each.Finish();
        }

        return (InEntryOrder(ledgers.Values), ledgers);
    }

    /// <summary>The fills' indexes in time order, stable for equal times; null when they are in time order already (a backtest's are).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int[]? TimeOrder(IReadOnlyList<FillRecord> fills)
    {
        for (int i = 1; i < fills.Count; i++)
        {
            if (fills[i].TsNs < fills[i - 1].TsNs)
            {
                return Enumerable.Range(0, fills.Count).OrderBy(f => fills[f].TsNs).ToArray(); // stable
            }
        }

        return null;
    }

    /// <summary>
    /// Every ledger's trades by entry time, then symbol (ordinal), then the order they were made in:
    /// a merge of the ledgers' lists, each in entry order already (a symbol's round trips follow each
    /// other), the ledgers in ordinal order (their rank breaks a tie of entry times).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static RoundTripTrade[] InEntryOrder(SortedDictionary<string, SymbolLedger>.ValueCollection ledgers)
    {
        var ranked = new SymbolLedger[ledgers.Count]; // rank = the symbol's ordinal order
        ledgers.CopyTo(ranked, 0);
        int total = 0;
        foreach (SymbolLedger ledger in ranked)
        {
            total += ledger.Trades.Count;
        }

        // A binary min-heap of the ledgers (their ranks) with trades left, keyed by their next trade's entry time, then rank.
        var next = new int[ranked.Length];
        var entry = new long[ranked.Length];
        var heap = new int[ranked.Length];
        int size = 0;
        for (int rank = 0; rank < ranked.Length; rank++)
        {
            if (ranked[rank].Trades.Count > 0)
            {
                entry[rank] = ranked[rank].EntryTimes[0];
                heap[size++] = rank;
            }
        }

        for (int i = (size / 2) - 1; i >= 0; i--)
        {
            SiftDown(heap, size, i, entry);
        }

        var trades = new RoundTripTrade[total]; // an array of a sealed type: a store needs no type check
        int count = 0;
        while (size > 0)
        {
            int rank = heap[0];
            SymbolLedger ledger = ranked[rank];
            int index = next[rank]++;
            trades[count++] = ledger.Trades[index];
            if (index + 1 < ledger.EntryTimes.Count)
            {
                entry[rank] = ledger.EntryTimes[index + 1];
            }
            else
            {
                heap[0] = heap[--size];
            }

            SiftDown(heap, size, 0, entry);
        }

        return trades;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SiftDown(int[] heap, int size, int i, long[] entry)
    {
        int item = heap[i];
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= size)
            {
                break;
            }

            if (child + 1 < size && Before(heap[child + 1], heap[child], entry))
            {
                child++;
            }

            if (!Before(heap[child], item, entry))
            {
                break;
            }

            heap[i] = heap[child];
            i = child;
        }

        heap[i] = item;
    }

    private static bool Before(int a, int b, long[] entry) => entry[a] < entry[b] || (entry[a] == entry[b] && a < b);

    private static List<SymbolReport> PerSymbol(IReadOnlyList<string> symbols, SortedDictionary<string, SymbolLedger> ledgers)
    {
        var names = new SortedSet<string>(symbols, StringComparer.Ordinal);
        names.UnionWith(ledgers.Keys);
        var report = new List<SymbolReport>(names.Count);
        foreach (string symbol in names)
        {
            ledgers.TryGetValue(symbol, out SymbolLedger? ledger);
            int closed = ledger?.ClosedTrades ?? 0;
            int open = ledger is null ? 0 : ledger.Trades.Count - closed;
            int wins = ledger?.WinningTrades ?? 0;
            report.Add(new SymbolReport(
                symbol,
                closed,
                open,
                wins,
                closed > 0 ? (double)wins / closed : null,
                ledger?.RealizedPnl ?? 0m,
                ledger?.Fees ?? 0m,
                ledger?.Position ?? 0));
        }

        return report;
    }

    private static long UtcDay(long tsNs) => Math.DivRem(tsNs, NsPerDay) is var (q, r) && r < 0 ? q - 1 : q;

    private static double Median(long[] values)
    {
        long[] sorted = (long[])values.Clone();
        Array.Sort(sorted);
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] / 2.0) + (sorted[mid] / 2.0);
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
