using System.Diagnostics;
using System.Globalization;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Adapters.Paper;
using Orchestrator.Backtest;
using Orchestrator.Core;
using Orchestrator.Engine.Options;

namespace Orchestrator.Benchmarks.Backtest;

/// <summary>
/// Backtest throughput: multi-year minute bars for many symbols, generated on the fly (a seeded
/// random walk, no file I/O), through the single-threaded backtest on the live handlers with both
/// built-in rules, protective exits and the paper venue. Goal: at least 5,000,000 events/s on a
/// 2-core machine (LEAN reports about 200,000 data points/s on minute data).
/// </summary>
/// <remarks>
/// <code>
///   BarGenerator ─▶ PaperExchange ─▶ SignalEngine ─▶ Risk ─▶ Sizing ─▶ OrderManager ─▶ PaperExchange …
///   (one thread; reports and orders drained after every bar)
/// </code>
/// </remarks>
public static class BacktestBench
{
    public static int Run(TextWriter output, string[] args)
    {
        int symbols = Arg(args, "--symbols", 20);
        int years = Arg(args, "--years", 3);
        long bars = (long)symbols * years * 252 * 390;
        output.WriteLine($"backtest: {symbols} symbols x {years} years of minute bars = {bars:N0} bars, single thread, rules + exits + paper fills");
        double best = 0;
        double bestCpuNs = double.MaxValue;
        int runs = Arg(args, "--runs", 3); // --runs 1: one run's peak memory under /usr/bin/time
        for (int run = 0; run < runs; run++)
        {
            var runner = new BacktestRunner(Options([.. Enumerable.Range(0, symbols).Select(Symbol)]));
            TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
            BacktestResult result = runner.Run(new BarGenerator(symbols, years, seed: 7));
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            double perSecond = result.Events / result.ElapsedSeconds;
            best = Math.Max(best, perSecond);
            bestCpuNs = Math.Min(bestCpuNs, cpu.TotalNanoseconds / result.Events);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  run {run + 1}: {result.Events:N0} events ({result.MarketEvents:N0} bars, {result.Fills.Count:N0} fills) in {result.ElapsedSeconds:0.00} s = {perSecond / 1e6:0.00} M events/s ({1e9 / perSecond:0} ns/event wall, {cpu.TotalNanoseconds / result.Events:0} ns/event of process CPU time)"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  best {best / 1e6:0.00} M events/s (goal 5.00), {1e9 / best:0} ns/event wall, best {bestCpuNs:0} ns/event of process CPU time; load {CatalogBacktestBench.Load()}"));
        return 0;
    }

    internal static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out int v) ? v : fallback;
    }

    /// <summary>Both built-in rules, exits and paper fills for symbols S000.. (shared with <see cref="CatalogBacktestBench"/> and <see cref="OptimizeBench"/>).</summary>
    internal static BacktestOptions Options(int symbols) => Options([.. Enumerable.Range(0, symbols).Select(Symbol)]);

    /// <summary>The generated symbols' names: S000, S001, …</summary>
    internal static string Symbol(int i) => "S" + i.ToString("000", CultureInfo.InvariantCulture);

    /// <summary>Both built-in rules, exits and paper fills over these symbols, with limits that never bind.</summary>
    internal static BacktestOptions Options(IReadOnlyList<string> symbols) => new()
    {
        Engine = new EngineOptions
        {
            Symbols = symbols,
            StartingCash = 10_000_000m,
            Risk = new RiskOptions { MaxOrdersPerDay = 1_000_000, MaxOrdersPerMinute = 100_000, MaxOrdersPerSecond = 10_000, MaxOpenOrders = 1_000 },
        },
        Paper = new PaperExchangeOptions { SymbolCount = symbols.Count, SlippageBps = 2, CommissionBps = 1 },
    };

    /// <summary>Minute bars, 390 a day, 252 days a year, every symbol each minute; allocation-free.</summary>
    /// <remarks>Symbol, minute and day are counters (no division by the symbol count per bar): the generator's own cost stays small next to the engine's.</remarks>
    internal sealed class BarGenerator(int symbols, int years, ulong seed) : IMarketDataSource
    {
        private const long Minute = 60_000_000_000;
        private const long Day = 86_400_000_000_000;
        private static readonly long Floor = FixedPoint.FromDecimal(1m); // once, not a decimal conversion per bar
        private readonly long[] _price = [.. Enumerable.Repeat(FixedPoint.FromDecimal(100m), symbols)];
        private readonly long _total = (long)symbols * years * 252 * 390;
        private ulong _state = seed | 1;
        private long _n;
        private int _symbol; // _n % symbols
        private int _minuteOfDay; // (_n / symbols) % 390
        private long _dayStart = 1_704_205_800_000_000_000; // 2024-01-02 14:30Z, then one calendar day (not a trading day) later each 390 minutes

        public bool TryGetNext(out MarketTick tick)
        {
            tick = default;
            if (_n >= _total)
            {
                return false;
            }

            int symbol = _symbol;
            long ts = _dayStart + (_minuteOfDay * Minute);
            _n++;
            if (++_symbol == symbols)
            {
                _symbol = 0;
                if (++_minuteOfDay == 390)
                {
                    _minuteOfDay = 0;
                    _dayStart += Day;
                }
            }

            _state ^= _state << 13;
            _state ^= _state >> 7;
            _state ^= _state << 17;
            long open = _price[symbol];
            long move = (long)(_state % 2001) - 1000; // ±0.1 % steps in basis points of a tenth
            long close = Math.Max(Floor, open + (open / 1_000_000 * move));
            _price[symbol] = close;
            long high = Math.Max(open, close) + (open / 5_000);
            long low = Math.Min(open, close) - (open / 5_000);
            tick = new MarketTick { Kind = EventKind.Bar, SymbolId = symbol, OpenRaw = open, HighRaw = high, LowRaw = low, PriceRaw = close, Size = 1_000, TsEventNs = ts };
            return true;
        }
    }
}
