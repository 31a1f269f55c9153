using Disruptor;
using Orchestrator.Core;
using Orchestrator.Core.Calendars;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Indicators;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Rules;
using Orchestrator.Engine.Snapshots;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Strategies;
using Orchestrator.Strategies;

namespace Orchestrator.Engine.Handlers;

/// <summary>
/// First trading stage. Market data updates per-symbol state and indicators in O(1); then, in
/// priority order, a protective exit (stop-loss, take-profit, trailing stop against the
/// position's average cost and best price since entry) or a built-in rule may write an intent
/// into the same slot, with its source (<see cref="EngineSources.Exits"/>, <see cref="EngineSources.Rules"/>).
/// An outside signal becomes an intent as it is (side, confidence, source, and its order intent: type,
/// limit and stop prices, time in force, quantity cap). Time is the event's own.
/// </summary>
/// <remarks>
/// Runs on the trading thread, or on its own thread when the pipeline is split; it reads
/// positions and working orders through release/acquire snapshots only.
/// </remarks>
public sealed class SignalEngineHandler : IValueEventHandler<EngineEvent>
{
    private const long Ppm = 1_000_000;
    private const double Scale = FixedPoint.Scale;

    /// <summary>Rule ids carried in <see cref="AuditRecord.Value"/> of a rule signal.</summary>
    public const long RuleMomentum = 1;
    public const long RuleRsiReversion = 2;

    private readonly MarketState _market;
    private readonly Portfolio _portfolio;
    private readonly OrderStore _orders;
    private readonly AuditTrail _audit;
    private readonly EngineCounters _counters;
    private readonly IndicatorSet[] _indicators;
    private readonly MomentumRule? _momentum;
    private readonly Timeframe? _ruleTimeframe; // the rules' bars; momentum's when the rules have different ones (_split)
    private readonly IndicatorSet[] _ruleIndicators; // the rules' own, fed closed bars, when they run on a timeframe; else _indicators
    private readonly bool _split; // momentum and RSI reversion on different bars: RSI reversion has the lane below
    private readonly Timeframe? _rsiTimeframe;
    private readonly IndicatorSet[] _rsiIndicators; // RSI reversion's: _ruleIndicators unless split
    private readonly RsiReversionRule? _rsi;
    private readonly int _ruleConfidencePpm;
    private readonly long[] _peakRaw;
    private readonly int _symbolCount;
    private long _stopLossPpm;
    private long _takeProfitPpm;
    private long _trailingPpm;
    private TradingDays _days;
    private BarAggregator? _ruleBars; // with a rules timeframe: each symbol's open rule bar (set again when the calendars arrive)
    private BarAggregator? _rsiBars; // split, with an RSI reversion timeframe: its open bars

    private readonly ParameterMailbox<RiskParameters>? _mailbox;

    public SignalEngineHandler(EngineOptions options, MarketState market, Portfolio portfolio, OrderStore orders, AuditTrail audit, EngineCounters counters, ParameterMailbox<RiskParameters>? mailbox = null)
    {
        _mailbox = mailbox;
        ArgumentNullException.ThrowIfNull(options);
        _market = market;
        _portfolio = portfolio;
        _orders = orders;
        _audit = audit;
        _counters = counters;
        _symbolCount = market.SymbolCount;
        RuleOptions rules = options.Rules;
        var settings = new IndicatorSettings
        {
            EmaFastPeriod = rules.MomentumFastPeriod,
            EmaSlowPeriod = rules.MomentumSlowPeriod,
            RsiPeriod = rules.RsiPeriod,
        };
        IndicatorSettings = settings;
        _indicators = new IndicatorSet[_symbolCount];
        for (int i = 0; i < _symbolCount; i++)
        {
            _indicators[i] = new IndicatorSet(settings);
        }

        // One lane when the enabled rules share their bars (the shared rules.timeframe, or equal own ones): as before,
        // the same snapshot layout. Two when momentum and RSI reversion have different bars (rules.<rule>.timeframe).
        Timeframe? momentumTimeframe = rules.MomentumEnabled ? rules.MomentumTimeframe : null;
        Timeframe? rsiTimeframe = rules.RsiReversionEnabled ? rules.RsiReversionTimeframe : null;
        _split = rules.MomentumEnabled && rules.RsiReversionEnabled && momentumTimeframe != rsiTimeframe;
        _ruleTimeframe = rules.MomentumEnabled ? momentumTimeframe : rsiTimeframe;
        (_ruleBars, _ruleIndicators) = Lane(_ruleTimeframe, settings);
        _rsiTimeframe = _split ? rsiTimeframe : null;
        (_rsiBars, _rsiIndicators) = _split ? Lane(_rsiTimeframe, settings) : (null, _ruleIndicators);

        _momentum = rules.MomentumEnabled ? new MomentumRule(_symbolCount) : null;
        _rsi = rules.RsiReversionEnabled ? new RsiReversionRule(_symbolCount, (double)rules.RsiOversold, (double)rules.RsiOverbought) : null;
        _ruleConfidencePpm = (int)(rules.RuleConfidence * Ppm);
        _peakRaw = new long[_symbolCount];
        _days = new TradingDays(_symbolCount, calendars: null);
        Apply(options.Exits);
    }

    /// <summary>
    /// Set by the engine when sessions follow the exchanges' calendars: each symbol id's calendar. The price
    /// collar's reference (<see cref="MarketState.ReferenceRaw"/>) then restarts at each exchange's local midnight
    /// for that exchange's symbols only, as risk's daily counters do; without calendars at UTC midnight for all.
    /// </summary>
    internal ExchangeCalendar?[]? Calendars
    {
        init
        {
            _days = new TradingDays(_symbolCount, value);
            if (_ruleTimeframe is { } timeframe)
            {
                _ruleBars = new BarAggregator(_symbolCount, [timeframe], value); // the rules' bars follow the sessions too
            }

            if (_rsiTimeframe is { } rsiTimeframe)
            {
                _rsiBars = new BarAggregator(_symbolCount, [rsiTimeframe], value);
            }
        }
    }

    /// <summary>The periods every symbol's indicators use.</summary>
    public IndicatorSettings IndicatorSettings { get; }

    /// <summary>Whether the built-in rules exist (they have per-symbol state).</summary>
    internal bool HasMomentumRule => _momentum is not null;

    internal bool HasRsiRule => _rsi is not null;

    /// <summary>
    /// A backtest's warm-up (<see cref="TradingEngine.WarmUpInline"/>, single thread): market data updates the market state,
    /// indicators, bars and the rules' state as usual, but no rule signal is made. Never set on the live path.
    /// </summary>
    internal bool Warming { get; set; }

    /// <summary>The bars the rules compute on (momentum's when <see cref="RulesSplit"/>); null = every market update.</summary>
    internal Timeframe? RuleTimeframe => _ruleTimeframe;

    /// <summary>Whether momentum and RSI reversion compute on different bars (<see cref="RuleOptions.MomentumBars"/>, <see cref="RuleOptions.RsiReversionBars"/>).</summary>
    internal bool RulesSplit => _split;

    /// <summary>When <see cref="RulesSplit"/>: the bars RSI reversion computes on; null = every market update.</summary>
    internal Timeframe? RsiRuleTimeframe => _rsiTimeframe;

    /// <summary>
    /// The indicators the rules read for a symbol (momentum's when the rules have different bars): the engine's (every
    /// update), or their own on closed bars (<see cref="RuleOptions.Timeframe"/>, <see cref="RuleOptions.MomentumBars"/>).
    /// </summary>
    public IndicatorSet RuleIndicators(int symbolId) => _ruleIndicators[symbolId];

    /// <summary>The indicators RSI reversion reads for a symbol: <see cref="RuleIndicators"/> unless it has bars of its own (<see cref="RuleOptions.RsiReversionBars"/>).</summary>
    public IndicatorSet RsiReversionIndicators(int symbolId) => _rsiIndicators[symbolId];

    /// <summary>The indicators of one symbol (read them from the engine thread, or accept racy snapshots).</summary>
    public IndicatorSet Indicators(int symbolId) => _indicators[symbolId];

    /// <summary>Replaces the protective-exit distances (between two events, on this stage's thread).</summary>
    public void Apply(ExitOptions exits)
    {
        ArgumentNullException.ThrowIfNull(exits);
        _stopLossPpm = (long)(exits.StopLossFraction * Ppm);
        _takeProfitPpm = (long)(exits.TakeProfitFraction * Ppm);
        _trailingPpm = (long)(exits.TrailingStopFraction * Ppm);
    }

    public void OnEvent(ref EngineEvent data, long sequence, bool endOfBatch)
    {
        if (data.Kind == EventKind.None)
        {
            return; // a slot whose publisher failed while filling it (RingPublisher): not an input
        }

        _counters.Events++;
        if (data.TsEventNs > 0)
        {
            RollDays(data.TsEventNs);
        }

        switch (data.Kind)
        {
            case EventKind.TradeTick:
                if (!ValidSymbol(data.SymbolId))
                {
                    return;
                }

                _counters.TradeTicks++;
                _market.OnTrade(data.SymbolId, data.PriceRaw, data.Size, data.TsEventNs);
                if (data.BidRaw > 0 || data.AskRaw > 0)
                {
                    _market.OnQuote(data.SymbolId, data.BidRaw, data.AskRaw, data.TsEventNs);
                }

                _indicators[data.SymbolId].UpdateTrade(data.PriceRaw / Scale);
                OnMarketUpdate(ref data);
                break;

            case EventKind.Bar:
                if (!ValidSymbol(data.SymbolId))
                {
                    return;
                }

                _counters.Bars++;
                _market.OnTrade(data.SymbolId, data.PriceRaw, data.Size, data.TsEventNs);
                _indicators[data.SymbolId].UpdateBar(data.HighRaw / Scale, data.LowRaw / Scale, data.PriceRaw / Scale);
                OnMarketUpdate(ref data);
                break;

            case EventKind.QuoteTick:
                if (ValidSymbol(data.SymbolId))
                {
                    _counters.QuoteTicks++;
                    _market.OnQuote(data.SymbolId, data.BidRaw, data.AskRaw, data.TsEventNs);
                }

                break;

            case EventKind.TradeSignal:
                _counters.ExternalSignals++;
                OnExternalSignal(ref data);
                break;

            case EventKind.Command:
                if (data.Command == CommandKind.ApplyRiskParameters && _mailbox?.Get(data.CommandArg) is { } parameters)
                {
                    Apply(parameters.Exits);
                }
                else if (data.Command == CommandKind.Checkpoint && Checkpoints is { } checkpoints && checkpoints.TryBegin(sequence, data.TsEventNs, out Span<byte> section))
                {
                    var writer = new StateWriter(section);
                    WriteState(ref writer);
                }

                break;
        }
    }

    /// <summary>Set by the engine when it takes snapshots; null = Checkpoint commands are ignored.</summary>
    internal CheckpointCoordinator? Checkpoints { get; set; }

    /// <summary>Set by the engine: the source names, kept in this stage's snapshot section (the first one read back).</summary>
    internal TextInterner? Sources { get; set; }

    /// <summary>After <see cref="ReadState"/>: the snapshot's source ids mapped to this process's (<see cref="SnapshotSources.Map"/>).</summary>
    internal int[]? RestoredSourceMap { get; private set; }

    /// <summary>
    /// This stage's snapshot section: its counters, market state, indicators, rules, peaks, exit settings, day,
    /// and the source names (first stage to see a checkpoint: every source id in the snapshot was interned by then).
    /// </summary>
    internal void WriteState(ref StateWriter w)
    {
        _counters.WriteSignalState(ref w);
        _market.WriteState(ref w);
        for (int i = 0; i < _indicators.Length; i++)
        {
            _indicators[i].WriteState(ref w);
        }

        _momentum?.WriteState(ref w);
        _rsi?.WriteState(ref w);
        if (_ruleBars is not null) // only with a rules timeframe (a layout fact then): other snapshots keep their layout
        {
            _ruleBars.WriteState(ref w);
            for (int i = 0; i < _ruleIndicators.Length; i++)
            {
                _ruleIndicators[i].WriteState(ref w);
            }
        }

        if (_rsiBars is not null) // only when RSI reversion has bars of its own (a layout fact then)
        {
            _rsiBars.WriteState(ref w);
            for (int i = 0; i < _rsiIndicators.Length; i++)
            {
                _rsiIndicators[i].WriteState(ref w);
            }
        }

        w.Int64s(_peakRaw);
        w.Int64(_stopLossPpm);
        w.Int64(_takeProfitPpm);
        w.Int64(_trailingPpm);
        _days.WriteState(ref w);
        SnapshotSources.Write(ref w, Sources);
    }

    /// <summary>Restores what <see cref="WriteState"/> wrote (recovery, before any event).</summary>
    internal void ReadState(ref StateReader r)
    {
        _counters.ReadSignalState(ref r);
        _market.ReadState(ref r);
        for (int i = 0; i < _indicators.Length; i++)
        {
            _indicators[i].ReadState(ref r);
        }

        _momentum?.ReadState(ref r);
        _rsi?.ReadState(ref r);
        if (_ruleBars is not null)
        {
            _ruleBars.ReadState(ref r);
            for (int i = 0; i < _ruleIndicators.Length; i++)
            {
                _ruleIndicators[i].ReadState(ref r);
            }
        }

        if (_rsiBars is not null)
        {
            _rsiBars.ReadState(ref r);
            for (int i = 0; i < _rsiIndicators.Length; i++)
            {
                _rsiIndicators[i].ReadState(ref r);
            }
        }

        r.Int64s(_peakRaw);
        _stopLossPpm = r.Int64();
        _takeProfitPpm = r.Int64();
        _trailingPpm = r.Int64();
        _days.ReadState(ref r);
        RestoredSourceMap = SnapshotSources.Read(ref r, Sources);
    }

    /// <summary>Starts the collar's new reference day of every day slot event time has left (two compares a slot; no allocation).</summary>
    private void RollDays(long tsNs)
    {
        for (int slot = 0; slot < _days.Count; slot++)
        {
            if (_days.Advance(slot, tsNs))
            {
                _market.StartDay(_days, slot);
            }
        }
    }

    private bool ValidSymbol(int symbolId) => (uint)symbolId < (uint)_symbolCount;

    /// <summary>A rules' lane: without a timeframe no bars and the engine's indicators; with one, its bars and indicators of its own.</summary>
    private (BarAggregator? Bars, IndicatorSet[] Indicators) Lane(Timeframe? timeframe, IndicatorSettings settings)
    {
        if (timeframe is not { } length)
        {
            return (null, _indicators);
        }

        var indicators = new IndicatorSet[_symbolCount];
        for (int i = 0; i < _symbolCount; i++)
        {
            indicators[i] = new IndicatorSet(settings);
        }

        return (new BarAggregator(_symbolCount, [length]), indicators); // on UTC until the calendars arrive (Calendars)
    }

    /// <summary>
    /// With a lane's timeframe (<paramref name="bars"/>): whether this trade or feed bar closes the symbol's open bar
    /// (which then feeds the lane's <paramref name="indicators"/>); the input then joins the next bar. Without one:
    /// true (the rule sees every update).
    /// </summary>
    private static bool BarClosed(BarAggregator? bars, IndicatorSet[] indicators, in EngineEvent e)
    {
        if (bars is null)
        {
            return true;
        }

        bool closed = false;
        if (bars.TryClose(e.SymbolId, 0, e.TsEventNs, out Bar bar))
        {
            indicators[e.SymbolId].UpdateBar(bar.HighRaw / Scale, bar.LowRaw / Scale, bar.CloseRaw / Scale);
            closed = true;
        }

        if (e.PriceRaw > 0)
        {
            bars.Add(in e);
        }

        return closed;
    }

    private void OnMarketUpdate(ref EngineEvent e)
    {
        bool ruleBarClosed = BarClosed(_ruleBars, _ruleIndicators, in e);
        bool rsiBarClosed = _split ? BarClosed(_rsiBars, _rsiIndicators, in e) : ruleBarClosed;
        if (EvaluateExit(ref e) || !(ruleBarClosed || rsiBarClosed))
        {
            return;
        }

        Side side = ruleBarClosed ? _momentum?.Evaluate(e.SymbolId, _ruleIndicators[e.SymbolId]) ?? Side.None : Side.None;
        Side rsiSide = rsiBarClosed ? _rsi?.Evaluate(e.SymbolId, _rsiIndicators[e.SymbolId]) ?? Side.None : Side.None;
        long rule = RuleMomentum;
        if (side == Side.None)
        {
            side = rsiSide;
            rule = RuleRsiReversion;
        }

        if (side == Side.None || Warming)
        {
            return;
        }

        _counters.RuleSignals++;
        SetIntent(ref e, side, IntentOrigin.Rule, _ruleConfidencePpm, limitRaw: 0, reduceOnly: false);
        e.SourceId = EngineSources.Rules;
        _audit.TryPublish(new AuditRecord
        {
            Kind = AuditKind.RuleSignal,
            SymbolId = e.SymbolId,
            Side = side,
            Origin = IntentOrigin.Rule,
            SourceId = EngineSources.Rules,
            ConfidencePpm = _ruleConfidencePpm,
            PriceRaw = e.PriceRaw,
            Value = rule,
            TsEventNs = e.TsEventNs,
        });
    }

    /// <summary>Stop-loss, take-profit and trailing stop; true if an exit intent was written.</summary>
    private bool EvaluateExit(ref EngineEvent e)
    {
        int s = e.SymbolId;
        long quantity = _portfolio.Quantity(s);
        if (quantity == 0)
        {
            _peakRaw[s] = 0;
            return false;
        }

        long last = _market.LastRaw(s);
        long average = _portfolio.AvgCostRaw(s);
        bool isLong = quantity > 0;
        long peak = _peakRaw[s];
        if (peak == 0 || (isLong ? last > peak : last < peak))
        {
            peak = peak == 0 ? (isLong ? Math.Max(average, last) : Math.Min(average, last)) : last;
            _peakRaw[s] = peak;
        }

        // Orders' own exits (order groups, issue 19) replace these for the shares they protect, at the venue or held by the engine.
        long closingWorking = isLong
            ? _orders.WorkingSellQuantity(s) + _orders.ExitSellQuantity(s) + _orders.HeldSellQuantity(s)
            : _orders.WorkingBuyQuantity(s) + _orders.ExitBuyQuantity(s) + _orders.HeldBuyQuantity(s);
        if (closingWorking >= Math.Abs(quantity) || average <= 0)
        {
            return false; // an exit is already working
        }

        // Adverse and favourable moves in parts per million of the reference, signed for the side.
        IntentOrigin origin = IntentOrigin.None;
        if (_stopLossPpm > 0 && Reached(last, average, isLong, favourable: false, _stopLossPpm))
        {
            origin = IntentOrigin.StopLoss;
        }
        else if (_takeProfitPpm > 0 && Reached(last, average, isLong, favourable: true, _takeProfitPpm))
        {
            origin = IntentOrigin.TakeProfit;
        }
        else if (_trailingPpm > 0 && Reached(last, peak, isLong, favourable: false, _trailingPpm)
            && (isLong ? peak > average : peak < average))
        {
            origin = IntentOrigin.TrailingStop;
        }

        if (origin == IntentOrigin.None)
        {
            return false;
        }

        _counters.ProtectiveExits++;
        Side side = isLong ? Side.Sell : Side.Buy;
        SetIntent(ref e, side, origin, (int)Ppm, limitRaw: 0, reduceOnly: true);
        e.SourceId = EngineSources.Exits;
        _audit.TryPublish(new AuditRecord
        {
            Kind = AuditKind.ProtectiveExit,
            SymbolId = s,
            Side = side,
            Origin = origin,
            SourceId = EngineSources.Exits,
            PriceRaw = last,
            TsEventNs = e.TsEventNs,
        });
        return true;
    }

    /// <summary>
    /// Whether the move from <paramref name="reference"/> to <paramref name="last"/>, against the position (or in its
    /// favour), × 10^6 reaches <paramref name="reference"/> × <paramref name="ppm"/>: exact integer products. With
    /// prices and distance below 2^31 (any stock price under 2,147 at 10^6 a unit) the products fit a long (below
    /// 2^62) and are compared as longs, the same comparison without 128-bit arithmetic on every market update of
    /// a held symbol; beyond that in Int128 as before.
    /// </summary>
    private static bool Reached(long last, long reference, bool isLong, bool favourable, long ppm)
    {
        const ulong Small = 1UL << 31;
        long move = isLong ? reference - last : last - reference; // against the position
        if ((ulong)last < Small && (ulong)reference < Small && (ulong)ppm < Small)
        {
            long scaled = move * Ppm; // |move| < 2^31: below 2^51
            return (favourable ? -scaled : scaled) >= reference * ppm;
        }

        Int128 adverse = (Int128)move * Ppm;
        return (favourable ? -adverse : adverse) >= (Int128)reference * ppm;
    }

    /// <summary>
    /// An in-process strategy's signal (the strategy host's scratch event, on the trading thread):
    /// the external-signal path, without this stage's counters (the host counts its strategies'
    /// signals; in pipelined mode this stage's counters belong to its own thread).
    /// </summary>
    internal void OnStrategySignal(ref EngineEvent e) => OnExternalSignal(ref e);

    private void OnExternalSignal(ref EngineEvent e)
    {
        _audit.TryPublish(new AuditRecord
        {
            Kind = AuditKind.SignalReceived,
            SymbolId = e.SymbolId,
            Side = e.SignalSide,
            ConfidencePpm = e.ConfidencePpm,
            SignalId = e.SignalId,
            SourceId = e.SourceId,
            ReasonTextId = e.ReasonId,
            PriceRaw = e.SignalPriceRaw,
            TsEventNs = e.TsEventNs,
        });

        if (e.Action != SignalAction.New)
        {
            return; // an amend or cancel of an open order makes no intent: risk judges it against its target (AmendRules)
        }

        if (e.SignalSide == Side.None)
        {
            // No side, no intent: the risk manager refuses it (so every refusal is counted on the
            // trading thread, and each counter has one writer).
            return;
        }

        // Symbol, confidence range and a consistent order intent are the risk manager's to judge and report.
        SetIntent(ref e, e.SignalSide, IntentOrigin.External, e.ConfidencePpm, e.SignalPriceRaw, reduceOnly: false);
        e.IntentStopRaw = e.SignalStopRaw;
        e.IntentOrderType = SignalIntentRules.Resolve(e.SignalOrderType, e.SignalPriceRaw, e.SignalStopRaw);
        e.IntentTif = e.SignalTif;
        e.IntentQuantityCap = e.SignalQuantity;
    }

    private void SetIntent(ref EngineEvent e, Side side, IntentOrigin origin, int confidencePpm, long limitRaw, bool reduceOnly)
    {
        e.IntentSide = side;
        e.Origin = origin;
        e.ConfidencePpm = confidencePpm;
        e.IntentLimitRaw = limitRaw;
        e.IntentStopRaw = 0;
        e.IntentOrderType = limitRaw > 0 ? OrderType.Limit : OrderType.Market;
        e.IntentTif = TimeInForce.Day;
        e.IntentQuantityCap = 0;
        e.ReduceOnly = reduceOnly;
        e.Reject = RejectReason.None;
        if (ValidSymbol(e.SymbolId))
        {
            e.ReferencePriceRaw = _market.LastRaw(e.SymbolId);
            Atr atr = _indicators[e.SymbolId].Atr;
            e.AtrRaw = atr.IsReady ? (long)(atr.Value * Scale) : 0;
        }
    }
}
