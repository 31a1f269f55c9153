using Disruptor;
using Orchestrator.Agents.Execution;
using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Metrics;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Ring;
using Xunit.Abstractions;

namespace Orchestrator.Agents.Tests;

/// <summary>
/// Agent work saturating the slow pool must not ruin the hot path: signal → order hand-off
/// latency is measured with and without a saturated pool, in interleaved rounds of one run, and
/// compared as a ratio (no absolute times are asserted; the figures are printed).
/// </summary>
public sealed class SlowPathIsolationTests(ITestOutputHelper output)
{
    private const int SignalsPerRound = 400;
    private const int Rounds = 3;
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(60);

    /// <summary>Fills every order at once and releases the waiting publisher: one signal in flight at a time.</summary>
    private sealed class FillingGateway(TradingEngine engine, SemaphoreSlim done) : IValueEventHandler<OrderCommand>
    {
        public LatencyRecorder Latency { get; set; } = new();

        public void OnEvent(ref OrderCommand data, long sequence, bool endOfBatch)
        {
            if (data.Kind != OrderCommandKind.SubmitOrder)
            {
                return;
            }

            Latency.Record(data);
            engine.PublishExecutionReport(new ExecutionReport
            {
                ClientOrderId = data.ClientOrderId,
                SymbolId = data.SymbolId,
                ExecType = ExecutionType.Fill,
                Side = data.Side,
                FillQuantity = data.Quantity,
                FillPriceRaw = FixedPoint.FromDecimal(100m),
                TsEventNs = data.TsEventNs,
            });
            done.Release();
        }
    }

    [Fact]
    public async Task SaturatedSlowPool_KeepsHotPathLatencyWithinABoundOfTheIdleCase()
    {
        var options = new EngineOptions
        {
            Symbols = ["AAPL"],
            WaitStrategy = WaitStrategyKind.Blocking,
            Risk = new RiskOptions { MaxOrdersPerSecond = 1_000_000, MaxOrdersPerMinute = 1_000_000, MaxOrdersPerDay = 1_000_000, DuplicateWindow = TimeSpan.Zero, AllowShortSelling = true },
            Sizing = new SizingOptions { Method = SizingMethod.FixedQuantity, FixedQuantity = 1, ScaleByConfidence = false },
            Rules = new RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false },
            Exits = new ExitOptions { StopLossFraction = 0, TakeProfitFraction = 0, TrailingStopFraction = 0 },
        };
        var engine = new TradingEngine(options, NullAuditWriter.Instance);
        using var done = new SemaphoreSlim(0);
        var gateway = new FillingGateway(engine, done);
        engine.ConnectGateway(gateway);
        engine.Start();
        using var pool = new SlowPathScheduler(SlowPathScheduler.DefaultThreads);
        long ts = 1_736_000_000_000_000_000;
        engine.PublishMarketData(new MarketTick { Kind = EventKind.TradeTick, SymbolId = 0, PriceRaw = FixedPoint.FromDecimal(100m), Size = 100, TsEventNs = ts });

        var idle = new List<double>();
        var loaded = new List<double>();
        try
        {
            await RoundAsync(engine, gateway, done, () => ts += 1_000_000); // warm-up, not counted
            for (int r = 0; r < Rounds; r++)
            {
                idle.Add(await RoundAsync(engine, gateway, done, () => ts += 1_000_000));
                using var stop = new CancellationTokenSource();
                Task[] burners = [.. Enumerable.Range(0, pool.MaximumConcurrencyLevel * 4).Select(_ => pool.Run(() => Burn(stop.Token)))];
                long executedBefore = pool.Executed;
                loaded.Add(await RoundAsync(engine, gateway, done, () => ts += 1_000_000));
                Assert.True(pool.Executed - executedBefore >= burners.Length, "the slow pool was busy during the loaded round");
                await stop.CancelAsync();
                await Task.WhenAll(burners).WaitAsync(s_hang);
            }
        }
        finally
        {
            engine.Shutdown(TimeSpan.FromSeconds(10));
        }

        double idleP50 = Median(idle);
        double loadedP50 = Median(loaded);
        output.WriteLine($"signal→order p50: idle {idleP50:0.0} µs, slow pool saturated {loadedP50:0.0} µs (x{loadedP50 / idleP50:0.00}); slow pool {pool.MaximumConcurrencyLevel} thread(s) on {Environment.ProcessorCount} cores");
        Assert.Equal(0, engine.Counters.TotalRejects);
        Assert.True(loadedP50 <= idleP50 * 10, $"saturated slow pool raised the hot path's p50 from {idleP50:0.0} to {loadedP50:0.0} µs");
    }

    private static async Task<double> RoundAsync(TradingEngine engine, FillingGateway gateway, SemaphoreSlim done, Func<long> nextTs)
    {
        gateway.Latency = new LatencyRecorder();
        for (int i = 0; i < SignalsPerRound; i++)
        {
            engine.PublishSignal(0, (i & 1) == 0 ? Side.Buy : Side.Sell, 900_000, 0, i + 1, "bench", null, nextTs());
            Assert.True(await done.WaitAsync(s_hang), "the order reached the gateway; rejects: " + string.Join(", ", Enum.GetValues<RejectReason>().Where(r => engine.Counters.Rejects(r) > 0).Select(r => $"{r}={engine.Counters.Rejects(r)}")));
        }

        return gateway.Latency.Summarize().P50Us;
    }

    /// <summary>CPU-bound agent work: spins arithmetic until told to stop, yielding its slot now and then.</summary>
    private static async Task Burn(CancellationToken stop)
    {
        ulong x = 1;
        while (!stop.IsCancellationRequested)
        {
            for (int i = 0; i < 200_000; i++)
            {
                x = (x * 6364136223846793005UL) + 1442695040888963407UL;
            }

            await Task.Yield(); // back into the pool's queue, as real agent work awaits
        }

        GC.KeepAlive(x);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
