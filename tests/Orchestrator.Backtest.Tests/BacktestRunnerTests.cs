using System.Globalization;
using System.Text;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using Orchestrator.Engine.Options;

namespace Orchestrator.Backtest.Tests;

/// <summary>The runner on the live handlers, checked against results computed independently here.</summary>
public sealed class BacktestRunnerTests : IDisposable
{
    private static readonly DateTimeOffset s_day0 = new(2024, 1, 2, 21, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-bt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static long Ns(DateTimeOffset t) => (t - DateTimeOffset.UnixEpoch).Ticks * 100;

    /// <summary>Daily bars for AAPL, one per (open, high, low, close), from <see cref="s_day0"/>.</summary>
    private string DailyBars(params (decimal O, decimal H, decimal L, decimal C)[] bars)
    {
        var csv = new StringBuilder("timestamp,symbol,open,high,low,close,volume\n");
        for (int i = 0; i < bars.Length; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{s_day0.AddDays(i):yyyy-MM-ddTHH:mm:ssZ},AAPL,{bars[i].O},{bars[i].H},{bars[i].L},{bars[i].C},1000000\n");
        }

        string path = Path.Combine(_dir, "bars.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    private static BacktestOptions Options(RuleOptions? rules = null, long slippageBps = 0, long commissionBps = 0, decimal minimumCommission = 0m, IReadOnlyList<RecordedSignal>? signals = null) => new()
    {
        Engine = new EngineOptions
        {
            Symbols = ["AAPL"],
            StartingCash = 10_000m,
            Rules = rules ?? new RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false },
            Risk = new RiskOptions { DuplicateWindow = TimeSpan.Zero, MaxOrdersPerSecond = 0, MaxOrdersPerMinute = 0, MaxOrdersPerDay = 0, PriceCollarFraction = 0.5m },
            Sizing = new SizingOptions { Method = SizingMethod.FixedQuantity, FixedQuantity = 10, ScaleByConfidence = false, MaxPositionFraction = 1m, MaxConcentrationFraction = 1m, MaxOrderNotional = 0m },
            Exits = new ExitOptions { StopLossFraction = 0m, TakeProfitFraction = 0m, TrailingStopFraction = 0m },
        },
        Paper = new PaperExchangeOptions { SymbolCount = 1, SlippageBps = slippageBps, CommissionBps = commissionBps, MinimumCommissionRaw = FixedPoint.FromDecimal(minimumCommission) },
        Signals = signals ?? [],
    };

    private static BacktestResult Run(string path, BacktestOptions options)
    {
        var runner = new BacktestRunner(options);
        using var reader = new MarketDataFileReader(path, runner.Engine.Symbols);
        return runner.Run(reader);
    }

    private static RecordedSignal Signal(int day, Side side) => new(Ns(s_day0.AddDays(day)), "AAPL", side, 0.9m, 0);

    [Fact]
    public void BuyAndHold_MatchesTheHandComputation()
    {
        string path = DailyBars((100, 101, 99, 100), (102, 104, 101, 103), (103, 106, 102, 105), (104, 108, 103, 107));
        BacktestResult result = Run(path, Options(signals: [Signal(0, Side.Buy)]));

        // Bought at day 1's open (the order made from day 0's close), held to the end.
        FillRecord fill = Assert.Single(result.Fills);
        Assert.Equal((Ns(s_day0.AddDays(1)), Side.Buy, 10L, FixedPoint.FromDecimal(102m)), (fill.TsNs, fill.Side, fill.Quantity, fill.PriceRaw));
        decimal[] expected = [10_000m, 8_980m + (10 * 103m), 8_980m + (10 * 105m), 8_980m + (10 * 107m)];
        Assert.Equal(expected, result.Equity.Select(p => FixedPoint.ToDecimal(p.EquityRaw)));
        Assert.Equal(10L, result.OpenPositions["AAPL"]);
        Assert.Equal(4, result.MarketEvents);
    }

    [Fact]
    public void FeesAndSlippage_AreChargedExactly()
    {
        string path = DailyBars((100, 101, 99, 100), (102, 104, 101, 103), (103, 106, 102, 105), (104, 108, 103, 107));
        BacktestResult result = Run(path, Options(slippageBps: 10, commissionBps: 5, minimumCommission: 1m, signals: [Signal(0, Side.Buy), Signal(2, Side.Sell)]));

        // Buy 10 at 102 + 10 bps = 102.102; commission max(1, 1021.02 × 5 bps = 0.51051) = 1.
        // Sell 10 at 104 − 10 bps = 103.896; commission max(1, 1038.96 × 5 bps) = 1.
        Assert.Equal(2, result.Fills.Count);
        Assert.Equal((FixedPoint.FromDecimal(102.102m), FixedPoint.FromDecimal(1m)), (result.Fills[0].PriceRaw, result.Fills[0].CommissionRaw));
        Assert.Equal((FixedPoint.FromDecimal(103.896m), FixedPoint.FromDecimal(1m)), (result.Fills[1].PriceRaw, result.Fills[1].CommissionRaw));
        decimal final = 10_000m - 1_021.02m - 1m + 1_038.96m - 1m;
        Assert.Equal(final, FixedPoint.ToDecimal(result.Equity[^1].EquityRaw));
        Assert.Equal(final, FixedPoint.ToDecimal(result.Equity[^1].CashRaw));
        Assert.Empty(result.OpenPositions);
    }

    [Fact]
    public void MomentumCrossover_TradesWhereAnIndependentEmaCrossSays()
    {
        decimal[] closes = [100, 100, 100, 100, 101, 103, 106, 108, 107, 104, 100, 97, 96, 98, 101, 105, 108, 110, 109, 105, 100, 96];
        string path = DailyBars([.. closes.Select(c => (c, c + 1, c - 1, c))]);
        BacktestResult result = Run(path, Options(rules: new RuleOptions { MomentumEnabled = true, MomentumFastPeriod = 2, MomentumSlowPeriod = 3, RsiReversionEnabled = false }));

        // Independent EMA crossover (SMA seed, alpha 2/(n+1)); a BUY while flat buys 10, a SELL while long sells them,
        // each at the next bar's open (= its close here).
        var expected = new List<(int Day, Side Side)>();
        double? fast = null, slow = null, previousSpread = null;
        double fastSum = 0, slowSum = 0;
        bool long_ = false;
        for (int i = 0; i < closes.Length; i++)
        {
            double x = (double)closes[i];
            fast = i < 2 ? (fastSum += x) / (i + 1) : fast + (2.0 / 3 * (x - fast!.Value));
            slow = i < 3 ? (slowSum += x) / (i + 1) : slow + (2.0 / 4 * (x - slow!.Value));
            if (i < 2)
            {
                continue; // the slow EMA is ready from the 3rd value
            }

            double spread = fast!.Value - slow!.Value;
            if (previousSpread is { } p && i + 1 < closes.Length)
            {
                if (p <= 0 && spread > 0 && !long_)
                {
                    expected.Add((i + 1, Side.Buy));
                    long_ = true;
                }
                else if (p >= 0 && spread < 0 && long_)
                {
                    expected.Add((i + 1, Side.Sell));
                    long_ = false;
                }
            }

            previousSpread = spread;
        }

        Assert.True(expected.Count >= 3, "the series was built to cross several times");
        Assert.Equal(expected, result.Fills.Select(f => ((int)((f.TsNs - Ns(s_day0)) / 86_400_000_000_000), f.Side)));
        Assert.All(result.Fills, f => Assert.Equal(FixedPoint.FromDecimal(closes[(int)((f.TsNs - Ns(s_day0)) / 86_400_000_000_000)]), f.PriceRaw));
    }

    [Fact]
    public void SameDataAndConfig_GiveTheSameResult_AndTheRingAgreesWithTheSingleThread()
    {
        var synthetic = new SyntheticMarketDataOptions { Seed = 11, TicksPerSecond = 1, Symbols = [new SyntheticSymbol(0, 100m) { VolatilityAnnual = 0.6 }] };
        BacktestOptions options = Options(rules: new RuleOptions()) with { Engine = Options().Engine with { Rules = new RuleOptions() } };

        BacktestResult Once(BacktestMode mode)
        {
            var runner = new BacktestRunner(options with { Mode = mode });
            return runner.Run(new Limited(new SyntheticMarketDataGenerator(synthetic), 3_000));
        }

        BacktestResult first = Once(BacktestMode.SingleThread);
        BacktestResult second = Once(BacktestMode.SingleThread);
        BacktestResult ring = Once(BacktestMode.Ring);

        Assert.True(first.Fills.Count >= 4, "the rules traded");
        Assert.Equal(first.Fills, second.Fills);
        Assert.Equal(first.Equity, second.Equity);
        Assert.Equal(first.Fills, ring.Fills);
        Assert.Equal(first.Equity, ring.Equity);
    }

    [Fact]
    public void TimeRange_LimitsTheEvents()
    {
        string path = DailyBars((100, 101, 99, 100), (102, 104, 101, 103), (103, 106, 102, 105), (104, 108, 103, 107));
        BacktestResult result = Run(path, Options() with { FromNs = Ns(s_day0.AddDays(1)), ToNs = Ns(s_day0.AddDays(3)) });
        Assert.Equal(2, result.MarketEvents);
        Assert.Equal([Ns(s_day0.AddDays(1)), Ns(s_day0.AddDays(2))], result.Equity.Select(p => p.TsNs));
    }

    private sealed class Limited(IMarketDataSource inner, int count) : IMarketDataSource
    {
        private int _taken;

        public bool TryGetNext(out MarketTick tick)
        {
            tick = default;
            return _taken++ < count && inner.TryGetNext(out tick);
        }
    }
}
