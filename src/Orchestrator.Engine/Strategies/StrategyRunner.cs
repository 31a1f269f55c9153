using Orchestrator.Core;
using Orchestrator.Engine.Indicators;
using Orchestrator.Strategies;

namespace Orchestrator.Engine.Strategies;

/// <summary>
/// One registered strategy inside the <see cref="StrategyHost"/>: its instance, symbols, own
/// position, timers, error streak and the <see cref="IStrategyContext"/> it is given. Every call into
/// the strategy is guarded here: an exception is caught, counted,
/// logged once, and after <see cref="StrategyHost.MaxConsecutiveErrors"/> in a row the strategy is disabled.
/// </summary>
/// <remarks>
/// A fast-path runner (and every runner in a backtest) is called on the trading thread (or the
/// caller of <c>ProcessInline</c>); a slow-path runner's callbacks, position and timers belong to
/// the strategy worker, and the trading thread only fills its <see cref="Queue"/>.
/// </remarks>
internal sealed class StrategyRunner : IStrategyContext
{
    private const int TimerCapacity = 16;
    private const int ReasonCacheSize = 8;

    private readonly StrategyHost _host;
    private readonly TradingEngine _engine;
    private readonly bool[] _trades;
    private readonly long[] _position;
    private readonly long[] _timers = new long[TimerCapacity];
    private readonly string?[] _reasonTexts = new string?[ReasonCacheSize];
    private readonly int[] _reasonIds = new int[ReasonCacheSize];
    private int _timerCount;
    private long _nextTimerNs = long.MaxValue;
    private int _reasonNext;
    private int _consecutiveErrors;
    private long _errors;
    private long _signals;
    private long _accepted;
    private long _refused;
    private long _droppedMarketData;
    private long _orderEventOverflows;
    private long _replaySuppressed;
    private long _journaledSignals;
    private bool _disabled;

    public StrategyRunner(StrategyHost host, TradingEngine engine, StrategyRegistration registration, int[] symbolIds)
    {
        _host = host;
        _engine = engine;
        Registration = registration;
        Strategy = registration.Instance;
        Threading = Strategy.Threading;
        SourceId = engine.Sources.Intern(registration.Name);
        SymbolIds = symbolIds;
        int symbolCount = engine.Symbols.Count;
        _trades = new bool[symbolCount];
        foreach (int id in symbolIds)
        {
            _trades[id] = true;
        }

        _position = new long[symbolCount];
        Bars = new BarAggregator(symbolCount, Strategy.Timeframes ?? [], engine.Calendars);
        if (Threading == StrategyThreading.SlowPath)
        {
            Queue = new StrategyEventQueue(StrategyHost.SlowQueueCapacity, StrategyHost.SlowQueueReservedForOrders);
        }
    }

    public StrategyRegistration Registration { get; }

    public IStrategy Strategy { get; }

    public StrategyThreading Threading { get; }

    /// <summary>The strategy's name interned in <see cref="TradingEngine.Sources"/>.</summary>
    public int SourceId { get; }

    public int[] SymbolIds { get; }

    public BarAggregator Bars { get; }

    /// <summary>The slow-path queue (null for a fast-path strategy).</summary>
    public StrategyEventQueue? Queue { get; }

    public bool Started { get; private set; }

    /// <summary>Set once the strategy threw <see cref="StrategyHost.MaxConsecutiveErrors"/> times in a row; it gets no more callbacks.</summary>
    public bool Disabled => Volatile.Read(ref _disabled);

    /// <summary>
    /// True while the worker (not the trading thread) calls this runner's strategy: its signals go
    /// through the ring like an agent's. False on the trading thread and in backtests (inline).
    /// </summary>
    public bool Queued { get; set; }

    public StrategyStatus Status() => new(
        Registration.Name,
        Threading,
        Interlocked.Read(ref _signals),
        Interlocked.Read(ref _accepted),
        Interlocked.Read(ref _refused),
        Interlocked.Read(ref _errors),
        Disabled,
        Interlocked.Read(ref _droppedMarketData),
        Interlocked.Read(ref _orderEventOverflows),
        Interlocked.Read(ref _replaySuppressed));

    // ---- IStrategyContext ----
    public string Name => Registration.Name;

    public IReadOnlyList<string> Symbols => Registration.Symbols;

    public long EventTimeNs { get; private set; }

    /// <summary>A journal replay calls the strategy inline (never its worker): sending is suppressed then.</summary>
    public bool IsReplaying => !Queued && _engine.OrderManager.SuppressSending;

    public long CashRaw => _engine.Portfolio.CashRaw;

    public long EquityRaw => _engine.Portfolio.EquityRaw;

    public int MaxTimers => TimerCapacity;

    public int SymbolId(string symbol) => symbol is not null && _engine.Symbols.TryGetId(symbol, out int id) ? id : -1;

    public string SymbolName(int symbolId) => _engine.Symbols.GetName(symbolId);

    public (long StartNs, long EndNs) BarBounds(int symbolId, Timeframe timeframe, long tsNs)
    {
        Orchestrator.Core.Calendars.ExchangeCalendar? calendar = _engine.Calendars is { } calendars && (uint)symbolId < (uint)calendars.Length ? calendars[symbolId] : null;
        Strategies.BarBounds.Of(timeframe, calendar, tsNs, out long start, out long end);
        return (start, end);
    }

    public int QuantityDecimals(int symbolId) => (uint)symbolId < (uint)_engine.Symbols.Count ? _engine.Instruments.Units.Decimals(symbolId) : 0;

    public long Position(int symbolId) => (uint)symbolId < (uint)_position.Length ? _position[symbolId] : 0;

    public long AccountPosition(int symbolId) => (uint)symbolId < (uint)_position.Length ? _engine.Portfolio.Quantity(symbolId) : 0;

    public long AccountAvgCostRaw(int symbolId) => (uint)symbolId < (uint)_position.Length ? _engine.Portfolio.AvgCostRaw(symbolId) : 0;

    public long LastPriceRaw(int symbolId) => (uint)symbolId < (uint)_position.Length ? _engine.Market.LastRaw(symbolId) : 0;

    public IndicatorValues Indicators(int symbolId)
    {
        if ((uint)symbolId >= (uint)_position.Length)
        {
            return default;
        }

        IndicatorSet set = _engine.SignalEngine.Indicators(symbolId);
        BandOutputs bands = set.Bollinger.Outputs(); // computed when read: once for the three bands
        return new IndicatorValues(
            set.Count, set.LastPrice, set.Sma.Value, set.Sma.IsReady, set.EmaFast.Value, set.EmaSlow.Value, set.EmaFast.IsReady && set.EmaSlow.IsReady,
            set.Rsi.Value, set.Rsi.IsReady, set.Atr.Value, set.Atr.IsReady, set.Macd.MacdLine, set.Macd.SignalLine, set.Macd.IsReady,
            bands.Upper, bands.Middle, bands.Lower, set.Bollinger.IsReady);
    }

    public SubmitResult Submit(in StrategySignal signal)
    {
        Interlocked.Increment(ref _signals);
        RejectReason refusal = !Started || Disabled ? RejectReason.InvalidSignal
            : (uint)signal.SymbolId >= (uint)_trades.Length || !_trades[signal.SymbolId] ? RejectReason.SymbolNotAllowed
            : signal.ShapeError() is not null ? RejectReason.InvalidSignal
            : RejectReason.None;
        if (refusal != RejectReason.None)
        {
            Interlocked.Increment(ref _refused);
            return new SubmitResult(SubmitStatus.Refused, refusal, 0, 0, 0);
        }

        if (Threading == StrategyThreading.SlowPath && IsReplaying)
        {
            // A journal replay rebuilding this slow-path strategy's state: what it sent is in the journal.
            _replaySuppressed++;
            return new SubmitResult(SubmitStatus.Queued, RejectReason.None, 0, 0, 0);
        }

        int reasonId = InternReason(signal.Reason);
        SubmitResult result = Queued ? _host.Publish(this, signal, reasonId) : _host.Decide(this, signal, reasonId);
        if (result.IsTaken)
        {
            Interlocked.Increment(ref _accepted);
        }
        else if (result.Status != SubmitStatus.Held)
        {
            Interlocked.Increment(ref _refused); // a held signal was not refused: consolidation counts it (TradingEngine.Consolidation)
        }

        return result;
    }

    public bool SetTimer(long dueEventTimeNs)
    {
        if (_timerCount == TimerCapacity)
        {
            return false;
        }

        _timers[_timerCount++] = dueEventTimeNs;
        _nextTimerNs = Math.Min(_nextTimerNs, dueEventTimeNs);
        return true;
    }

    public void CancelTimers()
    {
        _timerCount = 0;
        _nextTimerNs = long.MaxValue;
    }

    // ---- called by the host (trading thread) or the worker (slow path) ----

    /// <summary>Advances the runner's event time (monotonic).</summary>
    public void Advance(long tsEventNs)
    {
        if (tsEventNs > EventTimeNs)
        {
            EventTimeNs = tsEventNs;
        }
    }

    /// <summary>Calls OnStart once (with the first event the runner sees).</summary>
    public void EnsureStarted()
    {
        if (Started || Disabled)
        {
            return;
        }

        Started = true;
        try
        {
            Strategy.OnStart(this);
            _consecutiveErrors = 0;
        }
        catch (Exception ex)
        {
            Failed(ex, "OnStart");
        }
    }

    public void Dispatch(in StrategyEnvelope envelope)
    {
        if (Disabled)
        {
            return;
        }

        try
        {
            switch (envelope.Kind)
            {
                case StrategyEnvelopeKind.Tick:
                    Strategy.OnTick(envelope.Tick);
                    break;
                case StrategyEnvelopeKind.Bar:
                    Strategy.OnBar(envelope.Bar);
                    break;
                case StrategyEnvelopeKind.OrderUpdate:
                    Strategy.OnOrderUpdate(envelope.Update);
                    break;
                case StrategyEnvelopeKind.Fill:
                    ApplyFill(envelope.Fill);
                    Strategy.OnFill(envelope.Fill);
                    break;
            }

            _consecutiveErrors = 0;
        }
        catch (Exception ex)
        {
            Failed(ex, envelope.Kind.ToString());
        }
    }

    /// <summary>Adds a fill of the strategy's own order to its position (before OnFill sees it).</summary>
    private void ApplyFill(in Fill fill)
    {
        if ((uint)fill.SymbolId < (uint)_position.Length)
        {
            _position[fill.SymbolId] += fill.Side == Side.Buy ? fill.Quantity : -fill.Quantity;
        }
    }

    /// <summary>Fires every timer due at the runner's event time, earliest first.</summary>
    public void FireDueTimers()
    {
        while (_nextTimerNs <= EventTimeNs && !Disabled)
        {
            long due = TakeEarliestTimer();
            try
            {
                Strategy.OnTimer(due);
                _consecutiveErrors = 0;
            }
            catch (Exception ex)
            {
                Failed(ex, "OnTimer");
            }
        }
    }

    /// <summary>
    /// One callback of a slow-path strategy, as its worker makes it: the envelope's event time, OnStart
    /// the first time, the callback, then the timers that came due (the worker live; inline in backtests
    /// and journal replays, so they call it exactly as live).
    /// </summary>
    public void Run(in StrategyEnvelope envelope)
    {
        Advance(envelope.TsEventNs);
        EnsureStarted();
        Dispatch(envelope);
        FireDueTimers();
    }

    /// <summary>Replay: one of this slow-path strategy's signals found in the journal.</summary>
    public void CountJournaledSignal() => _journaledSignals++;

    /// <summary>Replay: its submits suppressed and its signals found in the journal (the replay thread's figures).</summary>
    public (long Suppressed, long Journaled) ReplayCounts => (_replaySuppressed, _journaledSignals);

    /// <summary>Counts market data the slow queue had no room for.</summary>
    public void CountDropped() => Interlocked.Increment(ref _droppedMarketData);

    /// <summary>Counts an order update or fill the slow queue had no room for (its reserve too small).</summary>
    public void CountOverflow() => Interlocked.Increment(ref _orderEventOverflows);

    /// <summary>Whether the runner trades <paramref name="symbolId"/>.</summary>
    public bool Trades(int symbolId) => (uint)symbolId < (uint)_trades.Length && _trades[symbolId];

    private long TakeEarliestTimer()
    {
        int earliest = 0;
        for (int i = 1; i < _timerCount; i++)
        {
            if (_timers[i] < _timers[earliest])
            {
                earliest = i;
            }
        }

        long due = _timers[earliest];
        _timers[earliest] = _timers[--_timerCount];
        long next = long.MaxValue;
        for (int i = 0; i < _timerCount; i++)
        {
            next = Math.Min(next, _timers[i]);
        }

        _nextTimerNs = next;
        return due;
    }

    /// <summary>The reason's interned id: the same string instance is found in a small cache without locking.</summary>
    private int InternReason(string? reason)
    {
        if (reason is null)
        {
            return 0;
        }

        for (int i = 0; i < ReasonCacheSize; i++)
        {
            if (ReferenceEquals(_reasonTexts[i], reason))
            {
                return _reasonIds[i];
            }
        }

        int id = _engine.Reasons.Intern(reason); // first sighting of this instance: the interner's lock, once
        _reasonTexts[_reasonNext] = reason;
        _reasonIds[_reasonNext] = id;
        _reasonNext = (_reasonNext + 1) % ReasonCacheSize;
        return id;
    }

    /// <summary>The exceptional path: an engine fault inside Submit goes on; a strategy's own exception is counted.</summary>
    private void Failed(Exception ex, string callback)
    {
        if (_host.TakeEngineFault() is { } fault)
        {
            fault.Throw(); // the engine failed under the strategy's Submit: that halts the pipeline as any handler fault does
        }

        long errors = Interlocked.Increment(ref _errors);
        _consecutiveErrors++;
        bool disable = _consecutiveErrors >= StrategyHost.MaxConsecutiveErrors;
        if (disable)
        {
            Volatile.Write(ref _disabled, true);
        }

        StrategyHost.ReportFailure(this, ex, callback, errors, disable);
    }
}

/// <summary>What a strategy did so far, for status surfaces and tests (a copy; any thread).</summary>
/// <param name="Name">The registration's name.</param>
/// <param name="Threading">Fast or slow path.</param>
/// <param name="Signals">Submit calls.</param>
/// <param name="Taken">Signals that made an order (fast path) or entered the ring (slow path).</param>
/// <param name="Refused">Signals refused (by the host's checks, risk, sizing or the order manager; or the ring was full); not those consolidation held back.</param>
/// <param name="Errors">Exceptions thrown by the strategy's callbacks.</param>
/// <param name="Disabled">Disabled after too many exceptions in a row.</param>
/// <param name="DroppedMarketData">Ticks and bars a slow-path strategy lost by falling behind.</param>
/// <param name="OrderEventOverflows">Order updates and fills a slow-path strategy lost because even the queue's reserve was full.</param>
/// <param name="ReplaySuppressed">A slow-path strategy's submits during a journal replay, not sent (its signals are in the journal).</param>
public sealed record StrategyStatus(string Name, StrategyThreading Threading, long Signals, long Taken, long Refused, long Errors, bool Disabled, long DroppedMarketData, long OrderEventOverflows, long ReplaySuppressed);
