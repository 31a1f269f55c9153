using Disruptor;
using Orchestrator.Core;
using Orchestrator.Core.Calendars;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Snapshots;
using Orchestrator.Engine.State;

namespace Orchestrator.Engine.Handlers;

/// <summary>
/// The pre-trade gate. For an event that carries an intent it writes a verdict: None (pass)
/// or the first rule that refuses, in this order — invalid signal, kill switch, symbol not
/// allowed, no venue routed (<see cref="Unrouted"/>), its venue paused (<see cref="Venues"/>, a symbol paused), outside session, low confidence, no market data, daily loss, duplicate, open
/// orders, price collar, order rate (the session by the symbol's exchange calendar when the engine has
/// calendars, see <see cref="InSession(in EngineEvent)"/>); then the signal source's own limits (<see cref="AgentLimitTable"/>:
/// symbol, max position, orders per minute). A refusal is an outcome written into the slot and an
/// audit line, never an exception. An amend or cancel signal is judged against its target order instead
/// (<see cref="CheckAmendOrCancel"/>). Protective exits (reduce-only) pass every rule but the
/// validity checks: a limit must never stop risk from being reduced.
/// Before any check, an outside signal's intent passes consolidation (<see cref="SignalConsolidator"/>,
/// when groups are configured): a signal it holds back reaches no check and is not refused here.
/// It also owns the kill switch and the trading days (rolled over on event time: at each exchange's local
/// midnight with calendars, else at UTC midnight; see <see cref="TradingDays"/>), and, as the
/// first trading stage, marks the portfolio with each trade and bar (its equity is incremental).
/// </summary>
/// <remarks>Runs on the trading thread, with sizing and the order manager.</remarks>
public sealed partial class RiskManagerHandler : IValueEventHandler<EngineEvent>
{
    private const long NsPerDay = 86_400_000_000_000;
    private const long NsPerSecond = 1_000_000_000;
    private const long Ppm = 1_000_000;

    private readonly MarketState _market;
    private readonly Portfolio _portfolio;
    private readonly OrderStore _orders;
    private readonly AuditTrail _audit;
    private readonly EngineCounters _counters;
    private readonly bool[] _allowed;
    private readonly long[] _lastAcceptedNs; // [symbol * 3 + side]
    private long _minConfidencePpm;
    private long _maxDailyLossPpm;
    private long _sessionStartNs;
    private long _sessionEndNs;
    private long _collarPpm;
    private long _duplicateWindowNs;
    private int _maxOpenOrders;
    private TokenBucket _perSecond;
    private TokenBucket _perMinute;
    private bool _killSwitch;

    private readonly ParameterMailbox<RiskParameters>? _mailbox;
    private readonly ExchangeCalendar?[]? _calendars;
    private readonly AgentLimitTable? _agentLimits;
    private readonly AgentBook? _agents;
    private readonly SignalConsolidator? _consolidator;
    private long _appliedVersion;

    public RiskManagerHandler(RiskOptions options, SymbolTable symbols, MarketState market, Portfolio portfolio, OrderStore orders, AuditTrail audit, EngineCounters counters, ParameterMailbox<RiskParameters>? mailbox = null, AgentLimitTable? agentLimits = null, AgentBook? agents = null, SignalConsolidator? consolidator = null)
    {
        _consolidator = consolidator is { Any: true } ? consolidator : null;
        _mailbox = mailbox;
        _agentLimits = agentLimits is { Any: true } && agents is not null ? agentLimits : null;
        _agents = agents;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(symbols);
        _market = market;
        _portfolio = portfolio;
        _orders = orders;
        _audit = audit;
        _counters = counters;
        _allowed = new bool[symbols.Count];
        _lastAcceptedNs = new long[symbols.Count * 3];
        Array.Fill(_lastAcceptedNs, long.MinValue);
        Symbols = symbols;
        UseDays(new TradingDays(symbols.Count, calendars: null));
        Apply(options);
    }

    public SymbolTable Symbols { get; }

    public bool KillSwitchEngaged => Volatile.Read(ref _killSwitch);

    /// <summary>The account's equity at the start of the first symbol's trading day (each exchange's day has its own, see <see cref="StartOfDayEquityRawOf"/>).</summary>
    public long StartOfDayEquityRaw => _startOfDayEquityRaw[0];

    /// <summary>The last parameter version applied (0 = the start-up options).</summary>
    public long AppliedParametersVersion => Volatile.Read(ref _appliedVersion);

    /// <summary>Replaces the limits (between two events, on the trading thread: the command path of live changes).</summary>
    public void Apply(RiskOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _killSwitch = options.KillSwitchEngaged;
        _minConfidencePpm = (long)(options.MinConfidence * Ppm);
        _maxDailyLossPpm = (long)(options.MaxDailyLossFraction * Ppm);
        _sessionStartNs = options.SessionStartUtc.Ticks * 100;
        _sessionEndNs = options.SessionEndUtc.Ticks * 100;
        _collarPpm = (long)(options.PriceCollarFraction * Ppm);
        _duplicateWindowNs = options.DuplicateWindow.Ticks * 100;
        _maxOpenOrders = options.MaxOpenOrders;
        // A live change keeps what the buckets have used unless their capacity changes.
        if (_perSecond.Capacity != options.MaxOrdersPerSecond || !_perSecond.Enabled)
        {
            _perSecond = new TokenBucket(options.MaxOrdersPerSecond, NsPerSecond);
        }

        if (_perMinute.Capacity != options.MaxOrdersPerMinute || !_perMinute.Enabled)
        {
            _perMinute = new TokenBucket(options.MaxOrdersPerMinute, 60 * NsPerSecond);
        }

        ApplyDailyLimit(options.MaxOrdersPerDay);
        Array.Fill(_allowed, options.AllowedSymbols.Count == 0);
        foreach (string symbol in options.AllowedSymbols)
        {
            if (Symbols.TryGetId(symbol, out int id))
            {
                _allowed[id] = true;
            }
        }
    }

    public void OnEvent(ref EngineEvent data, long sequence, bool endOfBatch)
    {
        // The first trading stage marks the portfolio with this event's trade, as the signal engine
        // marked the market state, before anything (a day's start included) reads equity.
        if (data.Kind is EventKind.TradeTick or EventKind.Bar && (uint)data.SymbolId < (uint)_portfolio.SymbolCount)
        {
            _portfolio.Mark(data.SymbolId, data.PriceRaw);
        }

        if (data.TsEventNs > 0)
        {
            RollDays(data.TsEventNs);
        }

        if (data.Kind == EventKind.Command)
        {
            OnCommand(ref data, sequence);
            return;
        }

        if (data.Kind == EventKind.TradeSignal && data.Action != SignalAction.New)
        {
            RejectReason refused = data.Reject == RejectReason.None ? CheckAmendOrCancel(ref data) : RejectReason.None;
            if (refused != RejectReason.None)
            {
                Refusal.Record(ref data, refused, _counters, _audit);
            }

            return;
        }

        if (_consolidator is not null && data.Kind == EventKind.TradeSignal && data.Origin == IntentOrigin.External && data.HasIntent && data.Reject == RejectReason.None)
        {
            _consolidator.Admit(ref data); // held back: the intent is cleared, nothing below applies
        }

        if (!data.HasIntent || data.Reject != RejectReason.None)
        {
            if (data.Kind == EventKind.TradeSignal && data.SignalSide == Side.None && data.Reject == RejectReason.None)
            {
                Refusal.Record(ref data, RejectReason.InvalidSignal, _counters, _audit); // a signal without a side
            }

            return;
        }

        RejectReason reason = Check(ref data);
        if (reason != RejectReason.None)
        {
            Refusal.Record(ref data, reason, _counters, _audit);
        }
    }

    /// <summary>
    /// Whether an intent is well formed (side, confidence in range, a consistent order intent); the
    /// symbol is checked by the caller. Risk refuses one that is not as <see cref="RejectReason.InvalidSignal"/>;
    /// consolidation lets it take no part.
    /// </summary>
    internal static bool IsWellFormed(in EngineEvent e) =>
        e.IntentSide != Side.None && e.ConfidencePpm >= 0 && e.ConfidencePpm <= Ppm && e.IntentLimitRaw >= 0
        && SignalIntentRules.IsConsistent(SignalIntentRules.Resolve(e.IntentOrderType, e.IntentLimitRaw, e.IntentStopRaw), e.IntentLimitRaw, e.IntentStopRaw) && e.IntentTif <= TimeInForce.Cls && e.IntentQuantityCap >= 0;

    private RejectReason Check(ref EngineEvent e)
    {
        if ((uint)e.SymbolId >= (uint)_allowed.Length || !IsWellFormed(in e))
        {
            return RejectReason.InvalidSignal;
        }

        if (e.ReduceOnly)
        {
            return _market.LastRaw(e.SymbolId) == 0 ? RejectReason.NoMarketData : RejectReason.None;
        }

        if (_killSwitch)
        {
            return RejectReason.KillSwitch;
        }

        if (!_allowed[e.SymbolId])
        {
            return RejectReason.SymbolNotAllowed;
        }

        if (Unrouted is { } unrouted && unrouted[e.SymbolId])
        {
            return RejectReason.NoVenue;
        }

        if (SymbolsVenuePaused(e.SymbolId))
        {
            return RejectReason.SymbolPaused; // its venue is out (RiskManagerHandler.Venues.cs); the others trade on
        }

        if (!InSession(in e))
        {
            return RejectReason.OutsideSession;
        }

        if (e.ConfidencePpm < _minConfidencePpm)
        {
            return RejectReason.LowConfidence;
        }

        long last = _market.LastRaw(e.SymbolId);
        if (last == 0)
        {
            return RejectReason.NoMarketData;
        }

        int day = _days.SlotOf(e.SymbolId);
        if (_maxDailyLossPpm > 0)
        {
            long pnl = _portfolio.EquityRaw - _startOfDayEquityRaw[day];
            long limit = FixedPoint.MulDiv(_startOfDayEquityRaw[day], _maxDailyLossPpm, Ppm);
            if (pnl < -limit)
            {
                return RejectReason.MaxDailyLoss;
            }
        }

        int duplicateKey = (e.SymbolId * 3) + (int)e.IntentSide;
        long lastAccepted = _lastAcceptedNs[duplicateKey];
        if (_duplicateWindowNs > 0 && lastAccepted != long.MinValue && e.TsEventNs - lastAccepted < _duplicateWindowNs)
        {
            return RejectReason.DuplicateSignal;
        }

        if (_orders.OpenCount >= _maxOpenOrders)
        {
            return RejectReason.MaxOpenOrders;
        }

        if (_collarPpm > 0)
        {
            if (e.IntentLimitRaw > 0 && Deviates(e.IntentLimitRaw, last))
            {
                return RejectReason.PriceCollar;
            }

            long reference = _market.ReferenceRaw(e.SymbolId);
            if (reference > 0 && Deviates(last, reference))
            {
                return RejectReason.PriceCollar;
            }
        }

        if (!_perSecond.CanTake(e.TsEventNs))
        {
            return RejectReason.RateLimitPerSecond;
        }

        if (!_perMinute.CanTake(e.TsEventNs))
        {
            return RejectReason.RateLimitPerMinute;
        }

        if (!_perDay[day].CanTake(e.TsEventNs))
        {
            return RejectReason.RateLimitPerDay;
        }

        // The signal's own source's limits, after the account's (and before any bucket is charged).
        if (_agentLimits is { } agentLimits)
        {
            RejectReason agent = agentLimits.Check(e.SourceId, e.SymbolId, e.IntentSide, e.TsEventNs, _agents!);
            if (agent != RejectReason.None)
            {
                return agent;
            }

            agentLimits.Take(e.SourceId, e.TsEventNs);
        }

        _perSecond.TryTake(e.TsEventNs);
        _perMinute.TryTake(e.TsEventNs);
        _perDay[day].TryTake(e.TsEventNs);
        _lastAcceptedNs[duplicateKey] = e.TsEventNs;
        return RejectReason.None;
    }

    /// <summary>
    /// An amend or cancel signal (issue 19): its target must be an open order of its source and the change
    /// one the order can take (<see cref="AmendRules"/>). A cancel then always passes (it only reduces risk);
    /// an amend that adds risk (more shares, a price that trades sooner, a moved stop) meets the kill switch
    /// and the price collar as a new order would (sizing re-checks max position and buying power).
    /// </summary>
    private RejectReason CheckAmendOrCancel(ref EngineEvent e)
    {
        RejectReason target = AmendRules.Target(_orders, in e, out int slot);
        if (target != RejectReason.None || e.Action == SignalAction.Cancel)
        {
            return target;
        }

        ref OrderRecord order = ref _orders[slot];
        AmendRules.NewTerms(in order, in e, out long quantity, out long limitRaw, out long stopRaw);
        if (!AmendRules.AddsRisk(in order, quantity, limitRaw, stopRaw))
        {
            return RejectReason.None;
        }

        if (_killSwitch)
        {
            return RejectReason.KillSwitch;
        }

        if (SymbolsVenuePaused(order.SymbolId))
        {
            return RejectReason.SymbolPaused;
        }

        long last = _market.LastRaw(order.SymbolId);
        if (_collarPpm > 0 && last > 0 && ((limitRaw > 0 && Deviates(limitRaw, last)) || (stopRaw > 0 && Deviates(stopRaw, last))))
        {
            return RejectReason.PriceCollar;
        }

        return RejectReason.None;
    }

    /// <summary>|price − reference| / reference &gt; collar, in integers.</summary>
    private bool Deviates(long price, long reference) =>
        (Int128)Math.Abs(price - reference) * Ppm > (Int128)reference * _collarPpm;

    /// <summary>
    /// The session rule: by the symbol's exchange calendar when <see cref="Calendars"/> is set, else the UTC window.
    /// With a calendar, an order may wait for the open as its time in force says: GTC and OPG at any time a
    /// session is still to come (queued at the venue for the next open); DAY from midnight (local) up to the
    /// close of a trading day, pre-market included (queued for that day's open), never after the close or on a
    /// closed day (it would expire before it could trade); IOC, FOK and CLS only in the regular session.
    /// </summary>
    private bool InSession(in EngineEvent e)
    {
        if (Calendars is not { } calendars || calendars[e.SymbolId] is not { } calendar)
        {
            return InSession(e.TsEventNs);
        }

        long ts = e.TsEventNs;
        switch (e.IntentTif)
        {
            case TimeInForce.Gtc:
            case TimeInForce.Opg:
                return calendar.NextOpenNs(ts) != long.MaxValue || calendar.SessionAt(ts) == SessionKind.Regular;
            case TimeInForce.Day:
                return calendar.TryGetSession(calendar.LocalDate(ts), out _, out long closeNs) && ts < closeNs;
            default:
                return calendar.SessionAt(ts) == SessionKind.Regular;
        }
    }

    /// <summary>
    /// Set by the engine when sessions follow the exchanges' calendars: each symbol id's calendar (null entries use
    /// the UTC window). The daily counters then roll at each exchange's local midnight (<see cref="TradingDays"/>).
    /// </summary>
    internal ExchangeCalendar?[]? Calendars
    {
        get => _calendars;
        init
        {
            _calendars = value;
            UseDays(new TradingDays(Symbols.Count, value));
        }
    }

    /// <summary>Per symbol id: true where no venue trades the symbol (<see cref="InstrumentInfo.NoVenue"/>); null = every symbol has one.</summary>
    internal bool[]? Unrouted { get; init; }

    /// <summary>The <see cref="Unrouted"/> table of <paramref name="instruments"/> (several venues in one process, issue 19); null when every symbol has a venue.</summary>
    internal static bool[]? UnroutedSymbols(InstrumentTable instruments)
    {
        bool[]? unrouted = null;
        for (int id = 0; id < instruments.Count; id++)
        {
            if (instruments[id].Venue == InstrumentInfo.NoVenue)
            {
                unrouted ??= new bool[instruments.Count];
                unrouted[id] = true;
            }
        }

        return unrouted;
    }

    private bool InSession(long tsNs)
    {
        if (_sessionStartNs == _sessionEndNs)
        {
            return true;
        }

        long timeOfDay = ((tsNs % NsPerDay) + NsPerDay) % NsPerDay;
        return _sessionStartNs < _sessionEndNs
            ? timeOfDay >= _sessionStartNs && timeOfDay < _sessionEndNs
            : timeOfDay >= _sessionStartNs || timeOfDay < _sessionEndNs; // wraps past midnight
    }

    private void OnCommand(ref EngineEvent e, long sequence)
    {
        switch (e.Command)
        {
            case CommandKind.EngageKillSwitch:
                Volatile.Write(ref _killSwitch, true);
                _audit.TryPublish(new AuditRecord { Kind = AuditKind.KillSwitchEngaged, TsEventNs = e.TsEventNs });
                break;
            case CommandKind.ReleaseKillSwitch:
                Volatile.Write(ref _killSwitch, false);
                _audit.TryPublish(new AuditRecord { Kind = AuditKind.KillSwitchReleased, TsEventNs = e.TsEventNs });
                break;
            case CommandKind.ApplyRiskParameters:
                if (_mailbox?.Get(e.CommandArg) is { } parameters)
                {
                    bool killSwitch = _killSwitch; // the switch is operated by its own commands, not by a limits change
                    Apply(parameters.Risk);
                    _killSwitch = killSwitch || parameters.Risk.KillSwitchEngaged;
                    // Release write: a slow-path reader that sees the version sees the new limits in force.
                    Volatile.Write(ref _appliedVersion, e.CommandArg);
                    _counters.RiskParameterChanges++;
                    _audit.TryPublish(new AuditRecord { Kind = AuditKind.RiskParametersApplied, Value = e.CommandArg, TsEventNs = e.TsEventNs });
                }

                break;
            case CommandKind.Checkpoint:
                if (Checkpoints is { } checkpoints && checkpoints.TryGetSection(sequence, SnapshotSection.Risk, out Span<byte> section))
                {
                    var writer = new StateWriter(section);
                    WriteState(ref writer);
                }

                break;
            case CommandKind.StartOfDay:
                StartAllDays(e.TsEventNs, e.CommandArg);

                break;
            case CommandKind.PauseVenue:
                SetVenuePaused(e.CommandArg, paused: true);
                break;
            case CommandKind.ResumeVenue:
                SetVenuePaused(e.CommandArg, paused: false);
                break;
        }
    }

    /// <summary>Set by the engine when it takes snapshots; null = Checkpoint commands are ignored.</summary>
    internal CheckpointCoordinator? Checkpoints { get; set; }

    /// <summary>This stage's snapshot section: limits, buckets, duplicate window state, kill switch, paused venues, day, applied version, the per-agent buckets, consolidation.</summary>
    internal void WriteState(ref StateWriter w)
    {
        w.Bools(_allowed);
        w.Int64s(_lastAcceptedNs);
        w.Int64(_minConfidencePpm);
        w.Int64(_maxDailyLossPpm);
        w.Int64(_sessionStartNs);
        w.Int64(_sessionEndNs);
        w.Int64(_collarPpm);
        w.Int64(_duplicateWindowNs);
        w.Int32(_maxOpenOrders);
        _perSecond.WriteState(ref w);
        _perMinute.WriteState(ref w);
        w.Bool(_killSwitch);
        WriteVenues(ref w);
        WriteDays(ref w);
        w.Int64(_appliedVersion);
        _agentLimits?.WriteState(ref w);
        _consolidator?.WriteState(ref w);
    }

    /// <summary>Restores what <see cref="WriteState"/> wrote (recovery, before any event).</summary>
    internal void ReadState(ref StateReader r)
    {
        r.Bools(_allowed);
        r.Int64s(_lastAcceptedNs);
        _minConfidencePpm = r.Int64();
        _maxDailyLossPpm = r.Int64();
        _sessionStartNs = r.Int64();
        _sessionEndNs = r.Int64();
        _collarPpm = r.Int64();
        _duplicateWindowNs = r.Int64();
        _maxOpenOrders = r.Int32();
        _perSecond.ReadState(ref r);
        _perMinute.ReadState(ref r);
        _killSwitch = r.Bool();
        ReadVenues(ref r);
        ReadDays(ref r);
        _appliedVersion = r.Int64();
        _agentLimits?.ReadState(ref r);
        _consolidator?.ReadState(ref r);
    }
}
