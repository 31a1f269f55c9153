using System.Diagnostics;
using Disruptor;
using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Metrics;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Benchmarks.Latency;

/// <summary>
/// A real <see cref="TradingEngine"/> with a gateway that records latency and fills every order
/// at once, driven at a fixed offered rate. Shared by BenchmarkDotNet and the quick mode.
/// </summary>
public sealed class LatencyRig : IDisposable
{
    private const long TickNs = 1_000_000;
    private static readonly double s_ticksPerSecond = Stopwatch.Frequency;

    private readonly LatencyScenario _scenario;
    private readonly FillingGateway _gateway;
    private long _step;

    private readonly string? _journalDirectory;

    /// <summary>A rig; with <paramref name="journal"/>, every input goes through the journal stage (a temporary directory) first.</summary>
    public LatencyRig(LatencyScenario scenario, WaitStrategyKind waitStrategy = WaitStrategyKind.Yielding, Orchestrator.Engine.Journal.JournalFsync? journal = null, Orchestrator.Engine.Journal.JournalPlacement placement = Orchestrator.Engine.Journal.JournalPlacement.Auto)
    {
        _scenario = scenario;
        if (journal is not null)
        {
            _journalDirectory = Directory.CreateTempSubdirectory("orc-latency-journal-").FullName;
        }

        var options = new EngineOptions
        {
            Symbols = ["AAPL"],
            StartingCash = 1_000_000_000m,
            WaitStrategy = waitStrategy,
            Rules = new RuleOptions { MomentumEnabled = scenario == LatencyScenario.TickToOrder, RsiReversionEnabled = false, MomentumFastPeriod = 2, MomentumSlowPeriod = 4 },
            Exits = new ExitOptions { StopLossFraction = 0, TakeProfitFraction = 0, TrailingStopFraction = 0 },
            Risk = new RiskOptions
            {
                AllowShortSelling = true,
                DuplicateWindow = TimeSpan.Zero,
                MaxOrdersPerSecond = 0,
                MaxOrdersPerMinute = 0,
                MaxOrdersPerDay = 0,
                MaxOpenOrders = 1_000_000,
                PriceCollarFraction = 0,
                MaxDailyLossFraction = 0,
            },
            Sizing = new SizingOptions { Method = SizingMethod.FixedQuantity, FixedQuantity = 1, ScaleByConfidence = false, MaxPositionFraction = 1, MaxConcentrationFraction = 1, MaxOrderNotional = 0 },
            JournalDirectory = _journalDirectory,
            Journal = new Orchestrator.Engine.Journal.JournalOptions { Fsync = journal ?? Orchestrator.Engine.Journal.JournalFsync.None, Placement = placement },
        };
        Engine = new TradingEngine(options, NullAuditWriter.Instance);
        _gateway = new FillingGateway(Engine, Recorder);
        Engine.ConnectGateway(_gateway);
        Engine.Start();
        PublishTick(); // a first price, so signals have market data
    }

    public TradingEngine Engine { get; }

    public LatencyRecorder Recorder { get; private set; } = new();

    /// <summary>Offers <paramref name="events"/> inputs at <paramref name="offeredPerSecond"/>, waits for the engine to go quiet, and returns the latency of the orders they caused.</summary>
    public LatencySummary Run(long events, double offeredPerSecond)
    {
        Recorder = new LatencyRecorder();
        _gateway.Recorder = Recorder;
        double interval = s_ticksPerSecond / offeredPerSecond;
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < events; i++)
        {
            long due = start + (long)(i * interval);
            while (Stopwatch.GetTimestamp() < due)
            {
                Thread.Yield(); // on 2 cores the engine and gateway threads need this core too
            }

            if (_scenario == LatencyScenario.TickToOrder)
            {
                PublishTick();
            }
            else
            {
                _step++;
                Engine.PublishSignal(0, (_step & 1) == 0 ? Side.Buy : Side.Sell, 900_000, 0, _step, null, null, _step * TickNs);
            }
        }

        Engine.WaitUntilQuiet(TimeSpan.FromSeconds(30));
        return Recorder.Summarize();
    }

    private void PublishTick()
    {
        _step++;
        // Triangle wave: 10 ticks up, 10 down, 0.50 high — the fast EMA crosses the slow one every half period.
        long phase = _step % 20;
        long offset = phase < 10 ? phase : 20 - phase;
        var tick = new MarketTick { Kind = EventKind.TradeTick, SymbolId = 0, PriceRaw = 100_000_000 + (offset * 50_000), Size = 100, TsEventNs = _step * TickNs };
        Engine.PublishMarketData(tick);
    }

    public void Dispose()
    {
        Engine.Shutdown(TimeSpan.FromSeconds(10));
        if (_journalDirectory is not null)
        {
            Directory.Delete(_journalDirectory, recursive: true);
        }
    }

    /// <summary>Records each order's latency and answers it with a full fill at the last price.</summary>
    private sealed class FillingGateway(TradingEngine engine, LatencyRecorder recorder) : IValueEventHandler<OrderCommand>
    {
        public LatencyRecorder Recorder { get; set; } = recorder;

        public void OnEvent(ref OrderCommand data, long sequence, bool endOfBatch)
        {
            if (data.Kind != OrderCommandKind.SubmitOrder)
            {
                return;
            }

            Recorder.Record(data);
            var fill = new ExecutionReport
            {
                ClientOrderId = data.ClientOrderId,
                SymbolId = data.SymbolId,
                ExecType = ExecutionType.Fill,
                Side = data.Side,
                FillQuantity = data.Quantity,
                FillPriceRaw = engine.Market.LastRaw(data.SymbolId),
                TsEventNs = data.TsEventNs,
            };
            engine.PublishExecutionReport(fill);
        }
    }
}
