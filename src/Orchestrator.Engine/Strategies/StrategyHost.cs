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
/// events kept in a reserve); the strategy's own worker thread (<c>strategy-slow:NAME</c>, one per
/// slow-path strategy, so one that blocks stalls no other) drains it and calls the strategy;
/// a signal goes into the ring like an agent's and is journaled as an external signal.</item>
/// <item><b>Backtests</b> (<see cref="TradingEngine.ProcessInline"/>, not replaying): every strategy,
/// slow-path ones included, runs inline, so results are deterministic. A slow-path one is called as
/// its worker calls it live (per callback: its event time, then the callback, then its due timers),
/// its signals decided at once.</item>
/// <item><b>Journal replay</b> (recovery, <c>replay</c>): fast-path strategies re-derive their orders;
/// slow-path ones get the same callbacks inline as their worker got live (market data, their own order
/// updates and fills, their timers), so their state is rebuilt, but their submits are suppressed and
/// counted — the journal holds the signals they sent, and those replay as the journaled events they
/// are. At the end (<see cref="OnReplayFinished"/>) the suppressed submits are compared with the
/// journaled signals and a difference is logged: more suppressed means signals in flight at the stop
/// (never journaled, so never decided; they are not sent late) or refused live with the ring full; fewer means the strategy's state may
/// differ from before the stop (live it lost market data to a full queue, or it decides on more than
/// its callbacks, e.g. the account read while the engine moved on).</item>
/// </list>
/// A strategy's exception is caught per call, counted and logged (the first, and when it disables
/// the strategy); after <see cref="MaxConsecutiveErrors"/> in a row the strategy gets no more
/// callbacks. The engine never faults for a strategy's exception, only for its own.
/// <para>Strategy state is not in snapshots: an engine with strategies recovers by replaying the
/// whole journal (it does not start from a snapshot), which rebuilds every strategy's state.</para>
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
    private Thread[]? _workers;
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

    /// <summary>Each strategy's counters (slow path; allocates).</summary>
    public IReadOnlyList<StrategyStatus> Status() => [.. _runners.Select(r => r.Status())];

    /// <summary>Live: an event after the trading stages, on the trading thread (slow-path strategies get it through their queue).</summary>
    internal void OnEvent(ref EngineEvent e) => Handle(ref e, live: true);

    /// <summary>
    /// <see cref="TradingEngine.ProcessInline"/>: every strategy inline (backtests; in a journal replay
    /// slow-path strategies' submits are suppressed, their signals are in the journal).
    /// </summary>
    internal void OnEventInline(ref EngineEvent e) => Handle(ref e, live: false);

    /// <summary>
    /// Starts one worker thread per slow-path strategy (with the engine; none when no strategy is slow),
    /// so a strategy that blocks — a model call, say — holds up only its own callbacks.
    /// </summary>
    internal void Start()
    {
        if (_slow.Length == 0 || _workers is not null)
        {
            return;
        }

        foreach (StrategyRunner runner in _slow)
        {
            runner.Queued = true;
        }

        _workers = new Thread[_slow.Length];
        for (int i = 0; i < _slow.Length; i++)
        {
            _workers[i] = new Thread(RunWorker) { IsBackground = true, Name = WorkerName(_slow[i].Name) };
            _workers[i].Start(_slow[i]);
        }
    }

    /// <summary>Stops the workers after each drained what is queued for it (or at <paramref name="timeout"/>, shared by all).</summary>
    internal void Stop(TimeSpan timeout)
    {
        if (_workers is null)
        {
            return;
        }

        _stopping = true;
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        foreach (Thread worker in _workers)
        {
            worker.Join(TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64)));
        }

        _workers = null;
    }

    /// <summary>The worker thread's name: <c>strategy-slow:</c> and the strategy's name (cut to what a thread name shows).</summary>
    internal static string WorkerName(string strategy) => "strategy-slow:" + (strategy.Length <= 48 ? strategy : strategy[..48]);

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
                        OnMarketData(_runners[subscribed[i]], ref e, live);
                    }
                }

                break;

            case EventKind.ExecutionReport:
                if ((uint)e.SourceId < (uint)_bySource.Length && _bySource[e.SourceId] is { } owner)
                {
                    OnReport(owner, ref e, live);
                }

                break;

            case EventKind.TradeSignal:
                if (!live && _engine.OrderManager.SuppressSending)
                {
                    NoteJournaledSignal(in e);
                }

                break;
        }

        // Timers of the fast-path strategies, on this event's time (a slow-path one's fire after its callbacks, as on its worker).
        for (int i = 0; i < _runners.Length; i++)
        {
            StrategyRunner runner = _runners[i];
            if (runner.Threading == StrategyThreading.FastPath)
            {
                runner.Advance(e.TsEventNs);
                runner.EnsureStarted();
                runner.FireDueTimers();
            }
        }
    }

    /// <summary>Replay: a journaled signal of a slow-path strategy (counted; later slow-path signal ids go on after it).</summary>
    private void NoteJournaledSignal(in EngineEvent e)
    {
        if ((uint)e.SourceId < (uint)_bySource.Length && _bySource[e.SourceId] is { Threading: StrategyThreading.SlowPath } runner)
        {
            runner.CountJournaledSignal();
            _nextSlowSignalId = Math.Max(_nextSlowSignalId, e.SignalId); // replay thread, before the worker starts
        }
    }

    /// <summary>
    /// After a journal replay: per slow-path strategy, its suppressed submits against its journaled
    /// signals, logged (a warning when they differ; see the class remarks).
    /// </summary>
    internal void OnReplayFinished()
    {
        foreach (StrategyRunner runner in _slow)
        {
            (long suppressed, long journaled) = runner.ReplayCounts;
            s_logger.Info("Strategy {0} (slow path): state rebuilt from the journal; {1} signals it made again were not sent ({2} of its signals are in the journal)", runner.Name, suppressed, journaled);
            if (suppressed > journaled)
            {
                s_logger.Warn("Strategy {0} (slow path): {1} signals it made from journaled events are not in the journal: in flight at the stop (lost, not sent late), or refused live because the ring was full", runner.Name, suppressed - journaled);
            }
            else if (suppressed < journaled)
            {
                s_logger.Warn("Strategy {0} (slow path): the replay made {1} fewer signals than it sent before the stop: its state may differ from before (live it lost market data to a full queue, or it decides on more than its own callbacks)", runner.Name, journaled - suppressed);
            }
        }
    }

    private static void OnMarketData(StrategyRunner runner, ref EngineEvent e, bool live)
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
                    Deliver(runner, in envelope, e.TsEventNs, live);
                }
            }

            bars.Add(e);
        }

        envelope.Kind = StrategyEnvelopeKind.Tick;
        envelope.Tick = new Tick(e.Kind, e.SymbolId, e.TsEventNs, e.PriceRaw, e.Size, e.BidRaw, e.AskRaw, e.OpenRaw, e.HighRaw, e.LowRaw);
        Deliver(runner, in envelope, e.TsEventNs, live);
    }

    private void OnReport(StrategyRunner runner, ref EngineEvent e, bool live)
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

        Deliver(runner, in envelope, e.TsEventNs, live);
    }

    private static void Deliver(StrategyRunner runner, in StrategyEnvelope envelope, long tsEventNs, bool live)
    {
        if (runner.Threading == StrategyThreading.FastPath)
        {
            runner.Advance(tsEventNs);
            runner.EnsureStarted();
            runner.Dispatch(envelope);
        }
        else if (!live)
        {
            runner.Run(envelope); // inline, as its worker runs it live
        }
        else if (runner.Queue is { } queue && !runner.Disabled && !queue.TryEnqueue(envelope))
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
        e.Action = signal.Action;
        e.TargetOrderId = signal.TargetOrderId;
        e.Exits = signal.Exits;
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

        if (e.ClientOrderId != 0)
        {
            return new SubmitResult(SubmitStatus.Accepted, RejectReason.None, e.SignalId, e.ClientOrderId, e.Quantity);
        }

        // A side but no intent and no refusal: consolidation held it back (the audit says why).
        return e.Reject == RejectReason.None && !e.HasIntent && e.SignalSide != Side.None
            ? new SubmitResult(SubmitStatus.Held, RejectReason.None, e.SignalId, 0, 0)
            : new SubmitResult(SubmitStatus.Rejected, e.Reject == RejectReason.None ? RejectReason.ZeroQuantity : e.Reject, e.SignalId, 0, 0);
    }

    /// <summary>A slow-path strategy's signal (worker thread): into the ring like an agent's, never waiting.</summary>
    internal SubmitResult Publish(StrategyRunner runner, in StrategySignal signal, int reasonId)
    {
        long signalId = Interlocked.Increment(ref _nextSlowSignalId);
        var intent = new SignalIntent
        {
            OrderType = signal.OrderType, LimitRaw = signal.LimitPriceRaw, StopRaw = signal.StopPriceRaw, Tif = signal.Tif, Quantity = signal.Quantity,
            Action = signal.Action, TargetOrderId = signal.TargetOrderId, Exits = signal.Exits,
        };
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

    /// <summary>One slow-path strategy's worker: drains its queue; idles a few spins, then in 1 ms sleeps.</summary>
    private void RunWorker(object? state)
    {
        var runner = (StrategyRunner)state!;
        StrategyEventQueue queue = runner.Queue!;
        var spinner = default(SpinWait);
        while (true)
        {
            bool worked = false;
            while (queue.TryDequeue(out StrategyEnvelope envelope))
            {
                worked = true;
                runner.Run(envelope);
                queue.MarkHandled();
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
