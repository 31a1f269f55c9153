using System.Runtime.ExceptionServices;
using NLog;
using Orchestrator.Core;
using Orchestrator.Engine.State;
using Orchestrator.Strategies;

namespace Orchestrator.Engine.Strategies;

/// <summary>
/// Runs the engine's in-process strategies (<see cref="Options.EngineOptions.Strategies"/>).
/// <list type="bullet">
/// <item><b>Fast path</b>: called by <see cref="Ring.TradingStages"/> on the trading thread AFTER the
/// order manager finished the event (the same in pipelined mode). Market data of a strategy's
/// symbols closes and updates its event-time bars (OnBar, then OnTick); an execution report of
/// one of its orders (the order manager stamps the slot with the order's source) becomes OnOrderUpdate
/// or OnFill; then its timers that came due fire. A signal it submits is written into a scratch
/// <see cref="EngineEvent"/> (kind TradeSignal, source = the strategy's name, signal id from
/// <see cref="SignalLimits.StrategySignalIdBase"/> + the host's counter) and run at once through the
/// signal engine's external-signal path, risk, sizing and the order manager: decided before
/// Submit returns, and — being derived from journaled input — re-derived identically by a replay.</item>
/// <item><b>Slow path</b>: the trading thread copies the strategy's callbacks into its bounded
/// queue (<see cref="StrategyEventQueue"/>: market data dropped and counted when full, order
/// events kept in a reserve); the <c>strategy-slow</c> worker thread drains it and calls the strategy;
/// a signal goes into the ring like an agent's and is journaled as an external signal, so a
/// replay never runs slow-path strategies again (it replays their journaled signals instead).</item>
/// <item><b>Backtests</b> (<see cref="TradingEngine.ProcessInline"/>, not replaying): every strategy,
/// slow-path ones included, runs inline like a fast-path one, so results are deterministic.</item>
/// </list>
/// A strategy's exception is caught per call, counted and logged (the first, and when it disables
/// the strategy); after <see cref="MaxConsecutiveErrors"/> in a row the strategy gets no more
/// callbacks. The engine never faults for a strategy's exception, only for its own.
/// <para>Strategy state is not in snapshots: an engine with strategies recovers by replaying the
/// whole journal (it does not start from a snapshot), which rebuilds fast-path strategies' state.</para>
/// </summary>
public sealed class StrategyHost
{
    /// <summary>Exceptions in a row after which a strategy is disabled.</summary>
    public const int MaxConsecutiveErrors = 5;

    /// <summary>Slots of a slow-path strategy's queue.</summary>
    internal const int SlowQueueCapacity = 4096;

    /// <summary>Slots of it only order updates and fills may take (market data is dropped before).</summary>
    internal const int SlowQueueReservedForOrders = 1024;

    /// <summary>Slow-path strategies' signal ids start here (apart from the fast path's deterministic counter).</summary>
    internal const long SlowSignalIdBase = SignalLimits.StrategySignalIdBase + (1L << 40);

    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Engine.Strategies");

    private readonly TradingEngine _engine;
    private readonly StrategyRunner[] _runners;
    private readonly StrategyRunner?[] _bySource;
    private readonly int[][] _bySymbol;
    private readonly StrategyRunner[] _slow;
    private long _nextSignalId = SignalLimits.StrategySignalIdBase;
    private long _nextSlowSignalId = SlowSignalIdBase;
    private ExceptionDispatchInfo? _engineFault;
    private Thread? _worker;
    private volatile bool _stopping;
    private EngineEvent _scratch;
    private long _causeTimestamp; // publish timestamp of the input in hand: the cause of any order a strategy makes now

    internal StrategyHost(TradingEngine engine, IReadOnlyList<StrategyRegistration> registrations)
    {
        _engine = engine;
        Validate(engine, registrations);
        _runners = new StrategyRunner[registrations.Count];
        var perSymbol = new List<int>[engine.Symbols.Count];
        for (int s = 0; s < perSymbol.Length; s++)
        {
            perSymbol[s] = [];
        }

        int maxSource = 0;
        for (int i = 0; i < registrations.Count; i++)
        {
            StrategyRegistration registration = registrations[i];
            int[] ids = new int[registration.Symbols.Count];
            for (int k = 0; k < ids.Length; k++)
            {
                engine.Symbols.TryGetId(registration.Symbols[k], out ids[k]);
                if (!perSymbol[ids[k]].Contains(i))
                {
                    perSymbol[ids[k]].Add(i);
                }
            }

            _runners[i] = new StrategyRunner(this, engine, registration, ids);
            maxSource = Math.Max(maxSource, _runners[i].SourceId);
        }

        _bySource = new StrategyRunner?[maxSource + 1];
        foreach (StrategyRunner runner in _runners)
        {
            _bySource[runner.SourceId] = runner;
        }

        _bySymbol = new int[perSymbol.Length][];
        for (int s = 0; s < perSymbol.Length; s++)
        {
            _bySymbol[s] = [.. perSymbol[s]];
        }

        _slow = [.. _runners.Where(r => r.Threading == StrategyThreading.SlowPath)];
    }

    /// <summary>How many strategies the host runs.</summary>
    public int Count => _runners.Length;

    /// <summary>Whether any strategy runs on the fast path (its state is rebuilt only by replaying the journal from its start).</summary>
    public bool HasFastPath => _runners.Any(r => r.Threading == StrategyThreading.FastPath);

    /// <summary>Each strategy's counters (slow path; allocates).</summary>
    public IReadOnlyList<StrategyStatus> Status() => [.. _runners.Select(r => r.Status())];

    /// <summary>Live: an event after the trading stages, on the trading thread (slow-path strategies get it through their queue).</summary>
    internal void OnEvent(ref EngineEvent e) => Handle(ref e, live: true);

    /// <summary>
    /// <see cref="TradingEngine.ProcessInline"/>: every strategy inline (backtests), except during a
    /// journal replay, when slow-path strategies are skipped (their signals are in the journal).
    /// </summary>
    internal void OnEventInline(ref EngineEvent e) => Handle(ref e, live: false);

    /// <summary>Starts the slow-path worker (with the engine; none when no strategy is slow).</summary>
    internal void Start()
    {
        if (_slow.Length == 0 || _worker is not null)
        {
            return;
        }

        foreach (StrategyRunner runner in _slow)
        {
            runner.Queued = true;
        }

        _worker = new Thread(RunWorker) { IsBackground = true, Name = "strategy-slow" };
        _worker.Start();
    }

    /// <summary>Stops the worker after it drained what is queued (or at <paramref name="timeout"/>).</summary>
    internal void Stop(TimeSpan timeout)
    {
        if (_worker is null)
        {
            return;
        }

        _stopping = true;
        _worker.Join(timeout);
        _worker = null;
    }

    /// <summary>True when every slow-path strategy has handled all that was queued for it (<see cref="TradingEngine.WaitUntilQuiet"/> waits on it).</summary>
    public bool SlowQueuesEmpty
    {
        get
        {
            foreach (StrategyRunner runner in _slow)
            {
                if (!runner.Queue!.IsSettled)
                {
                    return false;
                }
            }

            return true;
        }
    }

    private void Handle(ref EngineEvent e, bool live)
    {
        if (e.Kind == EventKind.None)
        {
            return;
        }

        bool replaying = _engine.OrderManager.SuppressSending;
        _causeTimestamp = e.PublishTimestamp;
        switch (e.Kind)
        {
            case EventKind.TradeTick:
            case EventKind.QuoteTick:
            case EventKind.Bar:
                if ((uint)e.SymbolId < (uint)_bySymbol.Length)
                {
                    int[] subscribed = _bySymbol[e.SymbolId];
                    for (int i = 0; i < subscribed.Length; i++)
                    {
                        OnMarketData(_runners[subscribed[i]], ref e, live, replaying);
                    }
                }

                break;

            case EventKind.ExecutionReport:
                if ((uint)e.SourceId < (uint)_bySource.Length && _bySource[e.SourceId] is { } owner)
                {
                    OnReport(owner, ref e, live, replaying);
                }

                break;
        }

        // Timers of the strategies that run here, on this event's time.
        for (int i = 0; i < _runners.Length; i++)
        {
            StrategyRunner runner = _runners[i];
            if (RunsHere(runner, live, replaying))
            {
                runner.Advance(e.TsEventNs);
                runner.EnsureStarted();
                runner.FireDueTimers();
            }
        }
    }

    /// <summary>Whether <paramref name="runner"/> is called on this thread for this event (else queued, or skipped in a replay).</summary>
    private static bool RunsHere(StrategyRunner runner, bool live, bool replaying) =>
        runner.Threading == StrategyThreading.FastPath || (!live && !replaying);

    private static void OnMarketData(StrategyRunner runner, ref EngineEvent e, bool live, bool replaying)
    {
        var envelope = default(StrategyEnvelope);
        BarAggregator bars = runner.Bars;
        if (e.Kind != EventKind.QuoteTick && e.PriceRaw > 0 && bars.TimeframeCount > 0)
        {
            for (int t = 0; t < bars.TimeframeCount; t++)
            {
                if (bars.TryClose(e.SymbolId, t, e.TsEventNs, out envelope.Bar))
                {
                    envelope.Kind = StrategyEnvelopeKind.Bar;
                    Deliver(runner, in envelope, e.TsEventNs, live, replaying);
                }
            }

            bars.Add(e);
        }

        envelope.Kind = StrategyEnvelopeKind.Tick;
        envelope.Tick = new Tick(e.Kind, e.SymbolId, e.TsEventNs, e.PriceRaw, e.Size, e.BidRaw, e.AskRaw, e.OpenRaw, e.HighRaw, e.LowRaw);
        Deliver(runner, in envelope, e.TsEventNs, live, replaying);
    }

    private void OnReport(StrategyRunner runner, ref EngineEvent e, bool live, bool replaying)
    {
        if (!_engine.Orders.TryFind(e.ReportOrderId, out int slot))
        {
            return;
        }

        // The order table (this thread's, after the order manager) is the truth for symbol, side and what is left.
        ref readonly OrderRecord order = ref _engine.Orders[slot];
        var envelope = default(StrategyEnvelope);
        if (e.ExecType is ExecutionType.Fill or ExecutionType.PartialFill)
        {
            envelope.Kind = StrategyEnvelopeKind.Fill;
            envelope.Fill = new Fill(e.ReportOrderId, order.SignalId, order.SymbolId, order.Side, e.FillQuantity, e.FillPriceRaw, e.CommissionRaw, order.LeavesQuantity, e.TsEventNs);
        }
        else
        {
            envelope.Kind = StrategyEnvelopeKind.OrderUpdate;
            envelope.Update = new OrderUpdate(e.ReportOrderId, order.SignalId, order.SymbolId, order.Side, e.ExecType, order.LeavesQuantity, e.ReportReject, e.TsEventNs);
        }

        Deliver(runner, in envelope, e.TsEventNs, live, replaying);
    }

    private static void Deliver(StrategyRunner runner, in StrategyEnvelope envelope, long tsEventNs, bool live, bool replaying)
    {
        if (RunsHere(runner, live, replaying))
        {
            runner.Advance(tsEventNs);
            runner.EnsureStarted();
            runner.Dispatch(envelope);
        }
        else if (live && runner.Queue is { } queue && !runner.Disabled && !queue.TryEnqueue(envelope))
        {
            if (envelope.IsMarketData)
            {
                runner.CountDropped();
            }
            else
            {
                runner.CountOverflow();
            }
        }
    }

    /// <summary>
    /// A fast-path (or inline) strategy's signal, decided now: the scratch event runs the external
    /// signal path, risk, sizing and the order manager on this thread, caused by the event in hand.
    /// </summary>
    internal SubmitResult Decide(StrategyRunner runner, in StrategySignal signal, int reasonId)
    {
        ref EngineEvent e = ref _scratch;
        e.Clear();
        e.Kind = EventKind.TradeSignal;
        e.SymbolId = signal.SymbolId;
        e.TsEventNs = runner.EventTimeNs;
        e.PublishTimestamp = _causeTimestamp; // latency is measured from the input that caused it
        e.SignalSide = signal.Side;
        e.ConfidencePpm = signal.ConfidencePpm;
        e.SignalPriceRaw = signal.LimitPriceRaw;
        e.SignalOrderType = signal.OrderType;
        e.SignalStopRaw = signal.StopPriceRaw;
        e.SignalTif = signal.Tif;
        e.SignalQuantity = signal.Quantity;
        e.SignalId = ++_nextSignalId;
        e.SourceId = runner.SourceId;
        e.ReasonId = reasonId;
        try
        {
            _engine.SignalEngine.OnStrategySignal(ref e);
            _engine.Risk.OnEvent(ref e, -1, true);
            _engine.Sizing.OnEvent(ref e, -1, true);
            _engine.OrderManager.OnEvent(ref e, -1, true);
        }
        catch (Exception ex)
        {
            _engineFault = ExceptionDispatchInfo.Capture(ex); // the engine's own failure: rethrown past the strategy's guard
            throw;
        }

        return e.ClientOrderId != 0
            ? new SubmitResult(SubmitStatus.Accepted, RejectReason.None, e.SignalId, e.ClientOrderId, e.Quantity)
            : new SubmitResult(SubmitStatus.Rejected, e.Reject == RejectReason.None ? RejectReason.ZeroQuantity : e.Reject, e.SignalId, 0, 0);
    }

    /// <summary>A slow-path strategy's signal (worker thread): into the ring like an agent's, never waiting.</summary>
    internal SubmitResult Publish(StrategyRunner runner, in StrategySignal signal, int reasonId)
    {
        long signalId = Interlocked.Increment(ref _nextSlowSignalId);
        var intent = new SignalIntent { OrderType = signal.OrderType, LimitRaw = signal.LimitPriceRaw, StopRaw = signal.StopPriceRaw, Tif = signal.Tif, Quantity = signal.Quantity };
        long sequence = _engine.TryPublishSignal(signal.SymbolId, signal.Side, signal.ConfidencePpm, intent, signalId, runner.SourceId, reasonId, runner.EventTimeNs);
        return sequence < 0
            ? new SubmitResult(SubmitStatus.Refused, RejectReason.GatewayBusy, 0, 0, 0)
            : new SubmitResult(SubmitStatus.Queued, RejectReason.None, signalId, 0, 0);
    }

    /// <summary>The engine exception captured inside <see cref="Decide"/>, once.</summary>
    internal ExceptionDispatchInfo? TakeEngineFault()
    {
        ExceptionDispatchInfo? fault = _engineFault;
        _engineFault = null;
        return fault;
    }

    /// <summary>The exceptional path: logs a strategy's first exception and the one that disables it.</summary>
    internal static void ReportFailure(StrategyRunner runner, Exception ex, string callback, long errors, bool disabled)
    {
        if (errors == 1)
        {
            s_logger.Error(ex, "Strategy {0} threw in {1} (caught; logged once, counted from now on)", runner.Name, callback);
        }

        if (disabled)
        {
            s_logger.Error("Strategy {0} disabled after {1} exceptions in a row ({2} in all); the engine goes on without it", runner.Name, MaxConsecutiveErrors, errors);
        }
    }

    private void RunWorker()
    {
        var spinner = default(SpinWait);
        while (true)
        {
            bool worked = false;
            foreach (StrategyRunner runner in _slow)
            {
                StrategyEventQueue queue = runner.Queue!;
                while (queue.TryDequeue(out StrategyEnvelope envelope))
                {
                    worked = true;
                    runner.Advance(TimeOf(envelope));
                    runner.EnsureStarted();
                    runner.Dispatch(envelope);
                    runner.FireDueTimers();
                    queue.MarkHandled();
                }
            }

            if (worked)
            {
                spinner.Reset();
            }
            else if (_stopping)
            {
                return;
            }
            else
            {
                spinner.SpinOnce(Ring.RingPipeline<EngineEvent>.SlowPathSleepThreshold); // idle: a few spins, then 1 ms sleeps
            }
        }
    }

    private static long TimeOf(in StrategyEnvelope envelope) => envelope.Kind switch
    {
        StrategyEnvelopeKind.Tick => envelope.Tick.TsEventNs,
        StrategyEnvelopeKind.Bar => envelope.Bar.EndNs,
        StrategyEnvelopeKind.OrderUpdate => envelope.Update.TsEventNs,
        StrategyEnvelopeKind.Fill => envelope.Fill.TsEventNs,
        _ => 0,
    };

    private static void Validate(TradingEngine engine, IReadOnlyList<StrategyRegistration> registrations)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var instances = new HashSet<IStrategy>(ReferenceEqualityComparer.Instance);
        foreach (StrategyRegistration r in registrations)
        {
            ArgumentNullException.ThrowIfNull(r);
            string where = $"strategy '{r.Name}'";
            if (string.IsNullOrWhiteSpace(r.Name) || r.Name.Length > SignalLimits.MaxSourceLength || !SignalLimits.IsSafeText(r.Name))
            {
                throw new ArgumentException($"{where}: name must be 1..{SignalLimits.MaxSourceLength} characters without control characters");
            }

            if (!names.Add(r.Name))
            {
                throw new ArgumentException($"{where}: the name is used twice");
            }

            if (r.Instance is null || !instances.Add(r.Instance))
            {
                throw new ArgumentException($"{where}: needs an instance of its own (one instance per registration)");
            }

            if (r.Symbols is null || r.Symbols.Count == 0)
            {
                throw new ArgumentException($"{where}: symbols: at least one");
            }

            foreach (string symbol in r.Symbols)
            {
                if (!engine.Symbols.TryGetId(symbol, out _))
                {
                    throw new ArgumentException($"{where}: symbols: '{symbol}' is not traded here ({string.Join(", ", engine.Symbols.Names)})");
                }
            }
        }
    }
}
