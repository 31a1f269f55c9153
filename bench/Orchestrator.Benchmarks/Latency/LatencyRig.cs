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
/// at once, driven at a fixed offered rate (see <see cref="LatencyScenario"/> for the topology).
/// Latency runs over both ring hops: from the input's publish into the inbound ring to the
/// gateway thread receiving the order from the outbound ring — the gateway reads the clock first
/// thing in its handler. Beside it, <see cref="HandoffRecorder"/> stops at the order manager's
/// hand-off (the outbound publish), so the second hop shows as the difference. Shared by
/// BenchmarkDotNet and the quick mode.
/// </summary>
public sealed class LatencyRig : IDisposable
{
    private const long TickNs = 1_000_000;

    private readonly LatencyScenario _scenario;
    private readonly FillingGateway _gateway;
    private long _step;

    private readonly string? _journalDirectory;

    /// <summary>Risk that lets every order through (no window, no rate or count limit, no collar, no loss limit), shorts allowed: the bench measures the path, not a refusal.</summary>
    internal static RiskOptions OpenRisk { get; } = new()
    {
        AllowShortSelling = true,
        DuplicateWindow = TimeSpan.Zero,
        MaxOrdersPerSecond = 0,
        MaxOrdersPerMinute = 0,
        MaxOrdersPerDay = 0,
        MaxOpenOrders = 1_000_000,
        PriceCollarFraction = 0,
        MaxDailyLossFraction = 0,
    };

    /// <summary>One share per order, unscaled and uncapped.</summary>
    internal static SizingOptions OneShare { get; } = new SizingOptions { Method = SizingMethod.FixedQuantity, FixedQuantity = 1, ScaleByConfidence = false, MaxPositionFraction = 1, MaxConcentrationFraction = 1, MaxOrderNotional = 0 };

    /// <summary>
    /// A rig; with <paramref name="journal"/>, every input goes through the journal stage (a temporary
    /// directory) first. <paramref name="beforeStart"/> is given the engine before it starts, to
    /// attach more consumers (the fan-out bench's signal gateway).
    /// </summary>
    public LatencyRig(LatencyScenario scenario, WaitStrategyKind waitStrategy = WaitStrategyKind.Yielding, Orchestrator.Engine.Journal.JournalFsync? journal = null, Orchestrator.Engine.Journal.JournalPlacement placement = Orchestrator.Engine.Journal.JournalPlacement.Auto, Action<TradingEngine>? beforeStart = null)
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
            Risk = OpenRisk,
            Sizing = OneShare,
            JournalDirectory = _journalDirectory,
            Journal = new Orchestrator.Engine.Journal.JournalOptions { Fsync = journal ?? Orchestrator.Engine.Journal.JournalFsync.None, Placement = placement },
        };
        Engine = new TradingEngine(options, NullAuditWriter.Instance);
        _gateway = new FillingGateway(Engine);
        Engine.ConnectGateway(_gateway);
        beforeStart?.Invoke(Engine);
        Engine.Start();
        PublishTick(); // a first price, so signals have market data
    }

    public TradingEngine Engine { get; }

    /// <summary>The last run's orders, publish → the gateway thread's receipt (both ring hops).</summary>
    public LatencyRecorder Recorder => _gateway.Recorder;

    /// <summary>The last run's orders, publish → the order manager's hand-off to the outbound ring (the first hop and the stages).</summary>
    public LatencyRecorder HandoffRecorder => _gateway.HandoffRecorder;

    /// <summary>The last run's offering window: seconds from its first input's turn to its last input's publish.</summary>
    public double LastOfferSeconds { get; private set; }

    /// <summary>Offers <paramref name="events"/> inputs at <paramref name="offeredPerSecond"/>, waits for the engine to go quiet, and returns the latency of the orders they caused, publish → the gateway's receipt.</summary>
    public LatencySummary Run(long events, double offeredPerSecond) => Run(events, offeredPerSecond, new LatencyRecorder(), new LatencyRecorder());

    /// <summary>As <see cref="Run(long, double)"/>, adding to <paramref name="recorder"/> (to the receipt) and <paramref name="handoff"/> (to the hand-off): interleaved rounds of several rigs pool their orders.</summary>
    public LatencySummary Run(long events, double offeredPerSecond, LatencyRecorder recorder, LatencyRecorder handoff)
    {
        // Plain writes: the engine is quiet; the gateway thread reads them only after taking an order
        // caused by the inputs published below, through the rings' release/acquire.
        _gateway.Recorder = recorder;
        _gateway.HandoffRecorder = handoff;
        OfferedRate rate = OfferedRate.Start(offeredPerSecond);
        for (long i = 0; i < events; i++)
        {
            rate.WaitForTurn(i);

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

        LastOfferSeconds = rate.Elapsed.TotalSeconds;

        Engine.WaitUntilQuiet(TimeSpan.FromSeconds(30));
        return recorder.Summarize();
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

    /// <summary>
    /// The outbound ring's consumer, on the gateway thread: records each order's latency to its
    /// receipt here and to its hand-off, and answers it with a full fill at the last price. Public:
    /// Disruptor-net generates a struct proxy (no interface call per order) only for visible
    /// handler types, and the daemon's gateways are public too.
    /// </summary>
    public sealed class FillingGateway(TradingEngine engine) : IValueEventHandler<OrderCommand>
    {
        public LatencyRecorder Recorder { get; set; } = new();

        public LatencyRecorder HandoffRecorder { get; set; } = new();

        public void OnEvent(ref OrderCommand data, long sequence, bool endOfBatch)
        {
            long received = Stopwatch.GetTimestamp(); // first thing: the second hop ends here
            if (data.Kind != OrderCommandKind.SubmitOrder)
            {
                return;
            }

            Recorder.Record(data.CausePublishTimestamp, received);
            HandoffRecorder.Record(data);
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
