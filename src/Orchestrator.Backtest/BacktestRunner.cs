using System.Diagnostics;
using Disruptor;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Metrics;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;

namespace Orchestrator.Backtest;

/// <summary>
/// Runs a backtest on the live engine: the same Signal Engine → Risk → Sizing → Order Manager
/// handlers that trade live, the paper venue's fill model, and a clock taken from the data (every
/// decision reads event time). There is no second implementation to drift apart.
/// </summary>
/// <remarks>
/// <para>Order of events at one moment: the venue sees a market event first (fills of resting
/// orders at that price), its execution reports reach the engine, then the engine sees the market
/// event, and orders it sends go to the venue at once (market orders fill at the next market
/// event, as in paper trading). Recorded signals with a time before a market event are processed
/// before it; those at the same time, right after it (they may have been made from it).</para>
/// <para>With intraday data (two distinct event times less than a day apart have been seen), the
/// venue expires the day's open Day orders at each exchange's close when the engine has exchange
/// calendars (<c>EngineOptions.UseExchangeCalendars</c>: 15:30 KST, 16:00 New York time with DST, 13:00 on
/// a half day), else at each change of UTC day; risk refuses signals outside each exchange's session
/// by the same calendar. With daily or coarser data
/// it does not: an order made from a daily bar's close is for the next session and fills at the
/// next bar's open, the usual convention (<see cref="TradingDayBoundary"/>, which the daemon's
/// lock-step file replay shares). The equity curve has one point per distinct event time,
/// taken once everything at that time is processed.</para>
/// <para>Single-thread mode allocates nothing per event in steady state (fills and equity points
/// are appended to lists). Ring mode publishes into the real rings and waits for the engine to be
/// quiet after each market event, so both modes see the same sequence and give the same result.</para>
/// </remarks>
public sealed class BacktestRunner
{
    private readonly BacktestOptions _options;
    private readonly TradingEngine _engine;
    private readonly PaperExchange _exchange;
    private readonly ValueRingBuffer<OrderCommand> _outbound; // the engine's outbound ring, read after every event
    private readonly ReportQueue _reports = new();
    private readonly ChunkedList<EquityPoint> _equity = new(); // chunked: a long run's lists grow without copying
    private readonly ChunkedList<FillRecord> _fills = new();
    private readonly ChunkedList<OrderSent> _orders = new();
    private readonly string _signalSource = "recorded signals";
    private PaperBrokerGateway? _gateway;
    private long _sequence;
    private long _outboundRead = -1;
    private long _events;
    private long _marketEvents;
    private long _lastTs = long.MinValue;
    private readonly TradingDayBoundary _days;
    private readonly BuyAndHoldBenchmark _benchmark;
    private readonly IReadOnlyList<RecordedSignal> _signals;
    private readonly int _signalCount; // read once: two interface calls per market event otherwise, for a list that is usually empty
    private int _nextSignal;

    public BacktestRunner(BacktestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        if (options.Mode == BacktestMode.Ring && options.WarmUpFromNs < options.FromNs)
        {
            throw new ArgumentException("A warm-up (WarmUpFromNs before FromNs) runs in single-thread mode only.", nameof(options));
        }

        _signals = options.Signals;
        _signalCount = _signals.Count;
        // Single-thread mode never starts the engine's threads; ring mode uses its real wiring.
        EngineOptions engine = options.Mode == BacktestMode.Ring
            ? options.Engine with { WaitStrategy = Orchestrator.Engine.Ring.WaitStrategyKind.Blocking, Pipelined = false }
            : options.Engine;
        _engine = new TradingEngine(engine, NullAuditWriter.Instance);
        if (options.Mode != BacktestMode.Ring)
        {
            // Single-thread mode never starts the audit thread and writes to NullAuditWriter: each record would
            // claim a slot of the multi-producer audit ring (a compare-and-swap), fill it, and once the ring was
            // full be dropped and counted one by one. Nothing reads them; the run's results do not use them.
            _engine.Audit.Muted = true;
        }
        _exchange = new PaperExchange(options.Paper.WithCurrenciesOf(_engine.Portfolio) with { SymbolCount = _engine.Symbols.Count, StartingCashRaw = FixedPoint.FromDecimal(options.Engine.StartingCash), Calendars = _engine.Calendars, Units = _engine.Instruments.Units });
        _outbound = _engine.Outbound;
        _days = new TradingDayBoundary(_engine.Calendars); // the engine's exchange calendars, or the UTC day
        _benchmark = new BuyAndHoldBenchmark(_engine.Symbols.Count, _engine.Portfolio.EquityRaw);
    }

    /// <summary>The engine the backtest runs on (for inspection after the run).</summary>
    public TradingEngine Engine => _engine;

    /// <summary>Runs over every event of <paramref name="source"/> in the options' time range; progress, when asked for, ends with a report of fraction 1.</summary>
    public BacktestResult Run(IMarketDataSource source) => Run(source, CancellationToken.None);

    /// <summary>As <see cref="Run(IMarketDataSource)"/>, stopping with <see cref="OperationCanceledException"/> when asked (checked every 4,096 market events).</summary>
    public BacktestResult Run(IMarketDataSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var clock = Stopwatch.StartNew();
        if (_options.Mode == BacktestMode.Ring)
        {
            _gateway = new PaperBrokerGateway(_exchange, new RecordingSink(this, _engine), new LatencyRecorder());
            _engine.ConnectGateway(new RecordingGateway(this, _gateway));
            _engine.Start();
        }

        try
        {
            while (source.TryGetNext(out MarketTick tick))
            {
                if (tick.TsEventNs < _options.FromNs || tick.TsEventNs >= _options.ToNs)
                {
                    if (tick.TsEventNs >= _options.WarmUpFromNs && tick.TsEventNs < _options.FromNs)
                    {
                        WarmUp(tick);
                    }

                    continue;
                }

                OnMarketEvent(tick);
                if ((_marketEvents & 4095) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                if (_options.Progress is { } progress && _marketEvents % _options.ProgressEvery == 0)
                {
                    progress.Report(new BacktestProgress(_marketEvents, tick.TsEventNs, -1));
                }
            }

            ReplaySignalsBefore(long.MaxValue);
            SampleEquity();
            _options.Progress?.Report(new BacktestProgress(_marketEvents, _lastTs, 1)); // the end: 100 %
        }
        finally
        {
            if (_options.Mode == BacktestMode.Ring)
            {
                _engine.Shutdown(TimeSpan.FromSeconds(30));
            }
        }

        clock.Stop();
        return BuildResult(clock.Elapsed.TotalSeconds);
    }

    private void OnMarketEvent(in MarketTick tick)
    {
        if (tick.TsEventNs != _lastTs)
        {
            SampleEquity(); // everything at the previous moment is done
            int ends = _days.Advance(tick.TsEventNs);
            for (int i = 0; i < ends; i++)
            {
                EndOfDay(_days.EndTsNs(i), _days.EndSymbols(i));
            }

            _lastTs = tick.TsEventNs;
        }

        ReplaySignalsBefore(tick.TsEventNs);
        _marketEvents++;
        if (_gateway is not null)
        {
            _gateway.OnMarketData(tick); // the venue first, as at a real exchange
            _engine.PublishMarketData(tick);
            Quiet();
        }
        else
        {
            _exchange.OnMarketData(tick, _reports);
            DrainReports();
            var e = default(EngineEvent);
            e.SetMarketData(tick);
            Process(ref e);
            DrainOutbound();
        }

        ReplaySignalsAt(tick.TsEventNs);
    }

    /// <summary>A warm-up event (<see cref="BacktestOptions.WarmUpFromNs"/>): the engine alone, no signal; the venue, the days and the equity curve do not see it.</summary>
    private void WarmUp(in MarketTick tick)
    {
        var e = default(EngineEvent);
        e.SetMarketData(tick);
        _engine.WarmUpInline(ref e, _sequence);
    }

    private void EndOfDay(long tsNs, bool[]? symbols)
    {
        if (_gateway is not null)
        {
            _gateway.EndOfDay(tsNs, symbols);
            Quiet();
        }
        else
        {
            _exchange.EndOfDay(tsNs, symbols, _reports);
            DrainReports();
        }
    }

    private void ReplaySignalsBefore(long tsNs)
    {
        while (_nextSignal < _signalCount && _signals[_nextSignal].TsNs < tsNs)
        {
            Replay(_signals[_nextSignal++]);
        }
    }

    private void ReplaySignalsAt(long tsNs)
    {
        while (_nextSignal < _signalCount && _signals[_nextSignal].TsNs == tsNs)
        {
            Replay(_signals[_nextSignal++]);
        }
    }

    private void Replay(RecordedSignal signal)
    {
        if (signal.TsNs < _options.FromNs || signal.TsNs >= _options.ToNs || !_engine.Symbols.TryGetId(signal.Symbol, out int symbolId))
        {
            return;
        }

        int confidencePpm = (int)(signal.Confidence * 1_000_000m);
        long signalId = _nextSignal; // the recorded signal's index in the file order
        if (_gateway is not null)
        {
            _engine.PublishSignal(symbolId, signal.Side, confidencePpm, new SignalIntent { LimitRaw = signal.PriceRaw, Exits = signal.Exits }, signalId, signal.Source ?? _signalSource, null, signal.TsNs);
            Quiet();
            return;
        }

        var e = default(EngineEvent);
        e.Kind = EventKind.TradeSignal;
        e.SymbolId = symbolId;
        e.SignalSide = signal.Side;
        e.ConfidencePpm = confidencePpm;
        e.SignalPriceRaw = signal.PriceRaw;
        e.Exits = signal.Exits;
        e.SignalId = signalId;
        e.SourceId = _engine.Sources.Intern(signal.Source ?? _signalSource);
        e.TsEventNs = signal.TsNs;
        Process(ref e);
        DrainOutbound();
    }

    /// <summary>One event through the trading handlers, in the live order.</summary>
    private void Process(ref EngineEvent e)
    {
        _engine.ProcessInline(ref e, _sequence++);
        _events++;
    }

    /// <summary>Orders to the venue, their reports back, until neither side has anything left.</summary>
    private void DrainOutbound()
    {
        while (_outboundRead < _outbound.Cursor)
        {
            while (_outboundRead < _outbound.Cursor)
            {
                ref OrderCommand command = ref _outbound[++_outboundRead];
                if (command.Kind == OrderCommandKind.SubmitOrder)
                {
                    RecordOrder(command);
                    _exchange.Submit(command, _reports);
                }
                else if (command.Kind == OrderCommandKind.CancelOrder)
                {
                    _exchange.Cancel(command.ClientOrderId, _reports);
                }
            }

            DrainReports();
        }
    }

    private void DrainReports()
    {
        for (int i = 0; i < _reports.Count; i++)
        {
            ExecutionReport report = _reports[i];
            RecordFill(report);
            var e = default(EngineEvent);
            e.SetExecutionReport(report);
            Process(ref e);
        }

        _reports.Clear();
    }

    private void RecordFill(in ExecutionReport report)
    {
        if (report.ExecType is ExecutionType.Fill or ExecutionType.PartialFill && report.FillQuantity > 0)
        {
            _fills.Add(new FillRecord(report.TsEventNs, _engine.Symbols.GetName(report.SymbolId), report.Side, report.FillQuantity, report.FillPriceRaw, report.CommissionRaw, report.ClientOrderId, _engine.Instruments.Units.Decimals(report.SymbolId)));
        }
    }

    private void RecordOrder(in OrderCommand order) =>
        _orders.Add(new OrderSent(order.TsEventNs, _engine.Symbols.GetName(order.SymbolId), order.Side, order.OrderType, order.Quantity, order.LimitPriceRaw, order.StopPriceRaw, order.ClientOrderId, _engine.Instruments.Units.Decimals(order.SymbolId)));

    private void Quiet()
    {
        if (!_engine.WaitUntilQuiet(TimeSpan.FromSeconds(60)))
        {
            throw new TimeoutException("the engine did not settle within 60 s during a ring-mode backtest");
        }
    }

    private void SampleEquity()
    {
        if (_lastTs == long.MinValue)
        {
            return;
        }

        Portfolio portfolio = _engine.Portfolio;
        MarketState market = _engine.Market;
        QuantityUnits units = portfolio.Units;
        long gross = 0;
        for (int s = 0; s < portfolio.SymbolCount; s++)
        {
            long quantity = portfolio.Quantity(s);
            if (quantity != 0) // a flat symbol's notional is 0
            {
                gross += Math.Abs(units.SaturatingNotional(s, market.LastRaw(s), quantity));
            }
        }

        var point = new EquityPoint(_lastTs, portfolio.EquityRaw, portfolio.CashRaw, gross, _benchmark.Sample(market));
        if (_equity.Count > 0 && _equity[_equity.Count - 1].TsNs == point.TsNs)
        {
            _equity.SetLast(point);
        }
        else
        {
            _equity.Add(point);
        }
    }

    private BacktestResult BuildResult(double elapsedSeconds)
    {
        var rejects = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (RejectReason reason in Enum.GetValues<RejectReason>())
        {
            long count = _engine.Counters.Rejects(reason);
            if (count > 0)
            {
                rejects[reason.ToString()] = count;
            }
        }

        var open = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (int s = 0; s < _engine.Symbols.Count; s++)
        {
            if (_engine.Portfolio.Quantity(s) != 0)
            {
                open[_engine.Symbols.GetName(s)] = _engine.Portfolio.Quantity(s);
            }
        }

        EngineCounters c = _engine.Counters;
        return new BacktestResult
        {
            Symbols = _engine.Symbols.Names,
            StartingCash = FixedPoint.ToDecimal(_benchmark.StartingEquityRaw), // every currency's cash at the FX rates: the base of total return
            Equity = _equity,
            HasBenchmark = true,
            Fills = _fills,
            Orders = _orders,
            Events = _gateway is null ? _events : c.Events,
            MarketEvents = _marketEvents,
            ElapsedSeconds = elapsedSeconds,
            Signals = c.RuleSignals + c.ExternalSignals + c.ProtectiveExits,
            Rejects = rejects,
            OpenPositions = open,
            Agents = _engine.Agents.Figures(_engine.Symbols, _engine.AgentKinds),
            BaseRates = BaseRates(_engine.Portfolio.Currencies),
        };
    }

    private static decimal[] BaseRates(Currencies currencies)
    {
        var rates = new decimal[currencies.SymbolCount];
        for (int s = 0; s < rates.Length; s++)
        {
            rates[s] = FixedPoint.ToDecimal(currencies.RateRaw(currencies.Of(s)));
        }

        return rates;
    }

    /// <summary>Reports from the venue, queued for the engine (single-thread mode); reused, no allocation per report.</summary>
    private sealed class ReportQueue : IExecutionReportSink
    {
        private ExecutionReport[] _items = new ExecutionReport[64];

        public int Count { get; private set; }

        public ExecutionReport this[int index] => _items[index];

        public void OnExecutionReport(in ExecutionReport report)
        {
            if (Count == _items.Length)
            {
                Array.Resize(ref _items, _items.Length * 2);
            }

            _items[Count++] = report;
        }

        public void Clear() => Count = 0;
    }

    /// <summary>Ring mode: records each order on the gateway thread (the only writer until the run ends), then hands it to the venue.</summary>
    private sealed class RecordingGateway(BacktestRunner runner, PaperBrokerGateway venue) : IValueEventHandler<OrderCommand>
    {
        public void OnEvent(ref OrderCommand data, long sequence, bool endOfBatch)
        {
            if (data.Kind == OrderCommandKind.SubmitOrder)
            {
                runner.RecordOrder(data);
            }

            venue.OnEvent(ref data, sequence, endOfBatch);
        }
    }

    /// <summary>Ring mode: records each fill, then publishes the report into the engine.</summary>
    private sealed class RecordingSink(BacktestRunner runner, TradingEngine engine) : IExecutionReportSink
    {
        private readonly Lock _gate = new();

        public void OnExecutionReport(in ExecutionReport report)
        {
            lock (_gate)
            {
                runner.RecordFill(report);
            }

            engine.PublishExecutionReport(report);
        }
    }
}
