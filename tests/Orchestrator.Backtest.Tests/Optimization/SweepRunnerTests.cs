using Orchestrator.Adapters.Paper;
using Orchestrator.Backtest.Optimization;
using Orchestrator.Core;
using Orchestrator.Engine.Options;

namespace Orchestrator.Backtest.Tests.Optimization;

/// <summary>
/// The sweep's scheduling: every candidate is its own deterministic backtest whatever the job count, a sweep's
/// backtest (single-thread, small inbound ring) reports the bytes of a plain one, and a failing candidate stops
/// the sweep with its own exception.
/// </summary>
public sealed class SweepRunnerTests
{
    private const long Minute = 60_000_000_000;

    /// <summary>Minute bars of two symbols over five days from 2024-03-04 14:30Z, a seeded walk with swings.</summary>
    internal static MarketTick[] Bars(int days = 5)
    {
        var random = new Random(11);
        var ticks = new List<MarketTick>();
        long[] price = [FixedPoint.FromDecimal(50m), FixedPoint.FromDecimal(80m)];
        long start = (new DateTime(2024, 3, 4, 14, 30, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks * 100;
        for (int day = 0; day < days; day++)
        {
            for (int minute = 0; minute < 390; minute++)
            {
                for (int s = 0; s < 2; s++)
                {
                    long open = price[s];
                    double swing = Math.Sin(((day * 390) + minute + (s * 50)) / 25.0) / 400;
                    long close = Math.Max(FixedPoint.FromDecimal(1m), open + (long)(open * (swing + ((random.NextDouble() - 0.5) / 300))));
                    price[s] = close;
                    ticks.Add(new MarketTick
                    {
                        Kind = EventKind.Bar, SymbolId = s, OpenRaw = open, HighRaw = Math.Max(open, close), LowRaw = Math.Min(open, close), PriceRaw = close, Size = 100,
                        TsEventNs = start + (day * 86_400_000_000_000) + (minute * Minute),
                    });
                }
            }
        }

        return [.. ticks];
    }

    /// <summary>The momentum rule alone on the two symbols; fixed sizing, no exits.</summary>
    internal static BacktestOptions Momentum(int fast, int slow) => new()
    {
        Engine = new EngineOptions
        {
            Symbols = ["AAA", "BBB"],
            StartingCash = 100_000m,
            Rules = new RuleOptions { RsiReversionEnabled = false, MomentumFastPeriod = fast, MomentumSlowPeriod = slow },
            Risk = new RiskOptions { DuplicateWindow = TimeSpan.Zero, MaxOrdersPerSecond = 0, MaxOrdersPerMinute = 0, MaxOrdersPerDay = 0, PriceCollarFraction = 0.5m },
            Sizing = new SizingOptions { Method = SizingMethod.FixedQuantity, FixedQuantity = 10, ScaleByConfidence = false, MaxPositionFraction = 1m, MaxConcentrationFraction = 1m, MaxOrderNotional = 0m },
            Exits = new ExitOptions { StopLossFraction = 0m, TakeProfitFraction = 0m, TrailingStopFraction = 0m },
        },
        Paper = new PaperExchangeOptions { SymbolCount = 2, SlippageBps = 2, CommissionBps = 1 },
    };

    private static IReadOnlyList<SweepCandidate> Grid() =>
        SweepCandidates.Grid([ParameterRange.TryParse("fast=3..9:2", out _)!, ParameterRange.TryParse("slow=12..30:9", out _)!]);

    private static BacktestOptions? Options(SweepCandidate c, out string? problem)
    {
        problem = null;
        return Momentum((int)c.Values[0], (int)c.Values[1]);
    }

    [Fact]
    public void EveryJobCount_GivesEachCandidateTheFiguresOfItsOwnPlainBacktest()
    {
        MarketTick[] ticks = Bars();
        IReadOnlyList<SweepCandidate> grid = Grid();
        List<CandidateResult> one = SweepRunner.Run(grid, Options, ticks, OptimizationObjective.TotalReturn, 1);
        Assert.Equal(grid.Count, one.Count);
        Assert.Contains(one, r => r.Figures is { Trades: > 0 });
        foreach (int jobs in new[] { 2, 3, 64 })
        {
            List<CandidateResult> many = SweepRunner.Run(grid, Options, ticks, OptimizationObjective.TotalReturn, jobs);
            Assert.Equal(one.Select(r => (r.Index, r.Score, r.Figures)), many.Select(r => (r.Index, r.Score, r.Figures)));
        }

        // A candidate's backtest in a sweep (single thread, an inbound ring of a few slots) reports the bytes of a plain backtest with the live ring.
        foreach (SweepCandidate c in grid)
        {
            BacktestOptions plain = Options(c, out _)!;
            Assert.Equal(1 << 14, plain.Engine.InboundBufferSize);
            byte[] expected = BacktestReportWriter.ToUtf8Bytes(BacktestMetrics.Compute(new BacktestRunner(plain).Run(new ArrayMarketDataSource(ticks))), deterministic: true);
            byte[] swept = BacktestReportWriter.ToUtf8Bytes(BacktestMetrics.Compute(SweepRunner.Backtest(SweepRunner.SingleThread(plain), ticks)), deterministic: true);
            Assert.Equal(expected, swept);
            CandidateResult ranked = one.Single(r => r.Index == c.Index);
            Assert.Equal(OptimizationObjective.TotalReturn.Score(BacktestMetrics.Compute(SweepRunner.Backtest(SweepRunner.SingleThread(plain), ticks))), ranked.Score);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void AFailingCandidate_StopsTheSweep_AndTheLowestFailedCandidatesOwnExceptionComesBack(int jobs)
    {
        MarketTick[] ticks = Bars(days: 2);
        IReadOnlyList<SweepCandidate> grid = Grid();
        int opened = 0;
        SweepSource inner = SweepRunner.Source(ticks);
        SweepSource data = (fromNs, toNs) =>
        {
            Interlocked.Increment(ref opened);
            return fromNs is 3 or 5 ? throw new IOException($"candidate {fromNs}: a day file is gone") : inner(fromNs, toNs);
        };

        // Candidates 3 and 5 fail as they open their data. 3 is handed out before 5, so it runs (and fails) whichever fails first.
        BacktestOptions? Failing(SweepCandidate c, out string? problem) => Options(c, out problem)! with { FromNs = c.Index is 3 or 5 ? c.Index : long.MinValue };
        IOException thrown = Assert.Throws<IOException>(() => SweepRunner.Run(grid, Failing, data, OptimizationObjective.Sharpe, jobs)); // not wrapped in an AggregateException
        Assert.Equal("candidate 3: a day file is gone", thrown.Message);
        if (jobs == 1)
        {
            Assert.Equal(4, opened); // candidates 0..3; after the failure no candidate starts
        }
    }

    [Fact]
    public void ACancelledSweep_ThrowsOperationCanceled_AndStartsNoMoreCandidates()
    {
        MarketTick[] ticks = Bars(days: 2);
        using var cancel = new CancellationTokenSource();
        int done = 0;
        OperationCanceledException thrown = Assert.ThrowsAny<OperationCanceledException>(() => SweepRunner.Run(Grid(), Options, ticks, OptimizationObjective.Sharpe, 2,
            progress: n =>
            {
                done = n;
                cancel.Cancel();
            },
            cancel.Token));
        Assert.Equal(cancel.Token, thrown.CancellationToken);
        Assert.InRange(done, 1, 2); // the first to finish cancels; the other worker may finish the one it holds
    }
}
