using Disruptor;
using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Snapshots;
using Orchestrator.Engine.State;

namespace Orchestrator.Engine.Handlers;

/// <summary>
/// Turns a passed intent into a share count. Opening or adding: the configured method (fixed
/// fraction of equity, ATR-based risk per trade, or fixed quantity), scaled by confidence if
/// configured, at most the signal's own quantity (<see cref="EngineEvent.IntentQuantityCap"/>),
/// then capped by max order notional, max position (% of equity, filled), max concentration
/// (% of equity, filled plus working orders) and buying power (cash minus cash reserved by
/// working buys, with a commission estimate), and rounded down to the lot size. Reducing
/// (protective exits, and sells of a long without short selling): the whole position not
/// already being closed by working orders, at most the signal's quantity. A zero result is a
/// reject naming the cap that bound it. Orders are valued at their limit, else their stop, else
/// the last trade.
/// <para>Money per currency (issue 19): an order is sized in its symbol's currency (<see cref="Currencies"/>):
/// equity and max order notional (base currency) are converted at the FX rate, and buying power is that
/// currency's cash. Shorts: a symbol that may not be sold short (<see cref="ShortRules"/>) is refused
/// with <see cref="RejectReason.ShortNotAllowed"/> when flat or short, and a sale of a long stops at
/// the long; a short is capped at the borrow available (<see cref="RejectReason.NoBorrow"/>). Buying power
/// counts short exposure: cash − working buys and short sales − 2 × the shorts' value at their marks (a
/// short's proceeds stay as collateral, and its value again is held as margin); the part of an order
/// that closes a position needs none.</para>
/// <para>Fractional quantities (issue 19): counts are in the symbol's quantity units
/// (<see cref="Portfolio.Units"/>; whole shares unless its instrument has quantity decimals), so a
/// fractional symbol is sized to its smallest unit and every other symbol to whole shares as before. The
/// fixed quantity and the lot size are in shares; the lot size applies to whole-share symbols only (a
/// fractional symbol's lot is its smallest unit).</para>
/// </summary>
/// <remarks>Runs on the trading thread, after the risk manager and before the order manager.</remarks>
public sealed class PositionSizingHandler : IValueEventHandler<EngineEvent>
{
    private const long Ppm = 1_000_000;

    private readonly MarketState _market;
    private readonly Portfolio _portfolio;
    private readonly OrderStore _orders;
    private readonly AuditTrail _audit;
    private readonly EngineCounters _counters;
    private readonly long _commissionEstimateBps;
    private SizingMethod _method;
    private long _fractionPpm;
    private long _riskPerTradePpm;
    private long _atrMultiplePpm;
    private long _fixedQuantity;
    private bool _scaleByConfidence;
    private long _maxPositionPpm;
    private long _maxOrderNotionalRaw;
    private long _maxConcentrationPpm;
    private long _lotSize;
    private bool _allowShortSelling;

    private readonly ParameterMailbox<RiskParameters>? _mailbox;

    public PositionSizingHandler(SizingOptions options, bool allowShortSelling, long commissionEstimateBps, MarketState market, Portfolio portfolio, OrderStore orders, AuditTrail audit, EngineCounters counters, ParameterMailbox<RiskParameters>? mailbox = null)
    {
        _mailbox = mailbox;
        _market = market;
        _portfolio = portfolio;
        _orders = orders;
        _audit = audit;
        _counters = counters;
        _commissionEstimateBps = commissionEstimateBps;
        Apply(options, allowShortSelling);
    }

    /// <summary>Replaces the sizing settings (between two events, on the trading thread).</summary>
    public void Apply(SizingOptions options, bool allowShortSelling)
    {
        ArgumentNullException.ThrowIfNull(options);
        _method = options.Method;
        _fractionPpm = (long)(options.FractionOfEquity * Ppm);
        _riskPerTradePpm = (long)(options.RiskPerTradeFraction * Ppm);
        _atrMultiplePpm = (long)(options.AtrMultiple * Ppm);
        _fixedQuantity = options.FixedQuantity;
        _scaleByConfidence = options.ScaleByConfidence;
        _maxPositionPpm = (long)(options.MaxPositionFraction * Ppm);
        _maxOrderNotionalRaw = FixedPoint.FromDecimal(options.MaxOrderNotional);
        _maxConcentrationPpm = (long)(options.MaxConcentrationFraction * Ppm);
        _lotSize = Math.Max(1, options.LotSize);
        _allowShortSelling = allowShortSelling;
    }

    public void OnEvent(ref EngineEvent data, long sequence, bool endOfBatch)
    {
        if (data.Kind == EventKind.Command && data.Command == CommandKind.ApplyRiskParameters && _mailbox?.Get(data.CommandArg) is { } parameters)
        {
            Apply(parameters.Sizing, parameters.Risk.AllowShortSelling);
            // The last stage that reads the mailbox (journal, signal engine and risk run before it in
            // every wiring): the change is now in force everywhere and its slot may be reused.
            _mailbox.MarkApplied(data.CommandArg);
            return;
        }

        if (data.Kind == EventKind.Command && data.Command == CommandKind.Checkpoint
            && Checkpoints is { } checkpoints && checkpoints.TryGetSection(sequence, SnapshotSection.Sizing, out Span<byte> section))
        {
            var writer = new StateWriter(section);
            WriteState(ref writer);
            return;
        }

        if (data.Kind == EventKind.TradeSignal && data.Action == SignalAction.Amend && data.Reject == RejectReason.None)
        {
            RejectReason capped = CheckAmend(ref data);
            if (capped != RejectReason.None)
            {
                Refusal.Record(ref data, capped, _counters, _audit);
            }

            return;
        }

        if (!data.HasIntent || data.Reject != RejectReason.None)
        {
            return;
        }

        RejectReason reason = Size(ref data, out long quantity);
        if (reason != RejectReason.None)
        {
            data.Quantity = 0;
            Refusal.Record(ref data, reason, _counters, _audit);
            return;
        }

        data.Quantity = quantity;
        long price = PriceOf(ref data);
        long equity = _portfolio.EquityRaw;
        long notional = _portfolio.Currencies.ToBase(_portfolio.Units.SaturatingNotional(data.SymbolId, price, quantity), _portfolio.Currencies.Of(data.SymbolId));
        _audit.TryPublish(new AuditRecord
        {
            Kind = AuditKind.RiskPassed,
            SymbolId = data.SymbolId,
            Side = data.IntentSide,
            Quantity = quantity,
            Value = equity > 0 ? ShareOfEquityBps(notional, equity) : 0,
            TsEventNs = data.TsEventNs,
        });
    }

    /// <summary>Set by the engine when sources have limits: the quantity is capped at the room a source's max position leaves (with <see cref="Agents"/>).</summary>
    internal AgentLimitTable? AgentLimits { get; set; }

    /// <summary>The per-source book whose positions <see cref="AgentLimits"/> measures.</summary>
    internal AgentBook? Agents { get; set; }

    /// <summary>Set by the engine when it takes snapshots; null = Checkpoint commands are ignored.</summary>
    internal CheckpointCoordinator? Checkpoints { get; set; }

    /// <summary>This stage's snapshot section: the sizing settings in force (a live change replaces them).</summary>
    internal void WriteState(ref StateWriter w)
    {
        w.Int32((int)_method);
        w.Int64(_fractionPpm);
        w.Int64(_riskPerTradePpm);
        w.Int64(_atrMultiplePpm);
        w.Int64(_fixedQuantity);
        w.Bool(_scaleByConfidence);
        w.Int64(_maxPositionPpm);
        w.Int64(_maxOrderNotionalRaw);
        w.Int64(_maxConcentrationPpm);
        w.Int64(_lotSize);
        w.Bool(_allowShortSelling);
    }

    /// <summary>Restores what <see cref="WriteState"/> wrote (recovery, before any event).</summary>
    internal void ReadState(ref StateReader r)
    {
        _method = (SizingMethod)r.Int32();
        _fractionPpm = r.Int64();
        _riskPerTradePpm = r.Int64();
        _atrMultiplePpm = r.Int64();
        _fixedQuantity = r.Int64();
        _scaleByConfidence = r.Bool();
        _maxPositionPpm = r.Int64();
        _maxOrderNotionalRaw = r.Int64();
        _maxConcentrationPpm = r.Int64();
        _lotSize = r.Int64();
        _allowShortSelling = r.Bool();
    }

    /// <summary>The price an order is valued at: its limit, else its stop (where it triggers), else the last trade.</summary>
    private long PriceOf(ref EngineEvent e) => e.IntentLimitRaw > 0 ? e.IntentLimitRaw : e.IntentStopRaw > 0 ? e.IntentStopRaw : _market.LastRaw(e.SymbolId);

    private RejectReason Size(ref EngineEvent e, out long quantity)
    {
        quantity = 0;
        int s = e.SymbolId;
        long price = PriceOf(ref e);
        if (price <= 0)
        {
            return RejectReason.NoMarketData;
        }

        long position = _portfolio.Quantity(s);
        bool reducesLong = e.IntentSide == Side.Sell && position > 0;
        bool reducesShort = e.IntentSide == Side.Buy && position < 0;

        bool shortable = _allowShortSelling && (Shorts?.Shortable(s) ?? true);
        if (e.ReduceOnly || (reducesLong && !shortable))
        {
            long closing = reducesLong ? position - _orders.WorkingSellQuantity(s) : -position - _orders.WorkingBuyQuantity(s);
            if (!reducesLong && !reducesShort)
            {
                return RejectReason.NoPosition;
            }

            quantity = e.IntentQuantityCap > 0 ? Math.Min(closing, e.IntentQuantityCap) : closing;
            return quantity > 0 ? RejectReason.None : reducesLong && _allowShortSelling && !e.ReduceOnly ? RejectReason.ShortNotAllowed : RejectReason.NoPosition;
        }

        if (e.IntentSide == Side.Sell && position <= 0 && !shortable)
        {
            return _allowShortSelling ? RejectReason.ShortNotAllowed : RejectReason.NoPosition;
        }

        Currencies currencies = _portfolio.Currencies;
        int currency = currencies.Of(s);
        long baseEquity = _portfolio.EquityRaw;
        if (baseEquity <= 0)
        {
            return RejectReason.InsufficientBuyingPower;
        }

        long equity = currencies.FromBase(baseEquity, currency); // the order's currency from here on
        QuantityUnits units = _portfolio.Units; // every count below is in the symbol's quantity units (issue 19)

        long wanted;
        switch (_method)
        {
            case SizingMethod.FixedQuantity:
                wanted = Quantities.FromShares(_fixedQuantity, units.PerShare(s));
                break;
            case SizingMethod.Volatility:
                if (e.AtrRaw <= 0)
                {
                    return RejectReason.NoMarketData; // ATR not ready: no basis for a stop distance
                }

                long riskBudget = FixedPoint.MulDiv(equity, _riskPerTradePpm, Ppm);
                long stopDistance = FixedPoint.MulDiv(e.AtrRaw, _atrMultiplePpm, Ppm);
                wanted = units.Affordable(s, riskBudget, stopDistance); // the shares whose stop distance the budget covers
                break;
            default:
                wanted = units.Affordable(s, FixedPoint.MulDiv(equity, _fractionPpm, Ppm), price);
                break;
        }

        if (_scaleByConfidence)
        {
            wanted = FixedPoint.MulDiv(wanted, e.ConfidencePpm, Ppm);
        }

        if (e.IntentQuantityCap > 0 && e.IntentQuantityCap < wanted)
        {
            wanted = e.IntentQuantityCap; // the signal asked for at most this many; the caps below still apply
        }

        RejectReason binding = RejectReason.ZeroQuantity;
        quantity = wanted;

        if (_maxOrderNotionalRaw > 0)
        {
            Cap(ref quantity, ref binding, units.Affordable(s, currencies.FromBase(_maxOrderNotionalRaw, currency), price), RejectReason.MaxNotional);
        }

        long held = Math.Abs(position);
        long positionCapShares = units.Affordable(s, FixedPoint.MulDiv(equity, _maxPositionPpm, Ppm), price);
        Cap(ref quantity, ref binding, positionCapShares - held, RejectReason.MaxPosition);
        if (AgentLimits is { } agentLimits)
        {
            Cap(ref quantity, ref binding, agentLimits.Room(e.SourceId, s, e.IntentSide, Agents!), RejectReason.AgentMaxPosition); // the source's own position limit
        }

        long working = e.IntentSide == Side.Buy ? _orders.WorkingBuyQuantity(s) : _orders.WorkingSellQuantity(s);
        long concentrationCapShares = units.Affordable(s, FixedPoint.MulDiv(equity, _maxConcentrationPpm, Ppm), price);
        Cap(ref quantity, ref binding, concentrationCapShares - held - working, RejectReason.MaxConcentration);

        // The part of the order that closes a position (not already being closed) needs neither borrow nor buying power.
        long closes = e.IntentSide == Side.Buy ? Math.Max(0, -position - working) : Math.Max(0, position - working);
        if (e.IntentSide == Side.Sell && Shorts is { } shorts && shorts.BorrowAvailable(s) != ShortRules.Unlimited)
        {
            long shortOrShorting = Math.Max(0, -position) + Math.Max(0, working - Math.Max(0, position));
            Cap(ref quantity, ref binding, closes + shorts.BorrowAvailable(s) - shortOrShorting, RejectReason.NoBorrow);
        }

        long available = BuyingPowerRaw(currency);
        long perShare = price + FixedPoint.Bps(price, _commissionEstimateBps);
        Cap(ref quantity, ref binding, closes + (available > 0 ? units.Affordable(s, available, perShare) : 0), RejectReason.InsufficientBuyingPower);

        long lot = units.PerShare(s) == 1 ? _lotSize : 1; // a fractional instrument's lot is its smallest unit
        quantity = quantity / lot * lot;
        if (quantity <= 0)
        {
            quantity = 0;
            return binding;
        }

        return RejectReason.None;
    }

    /// <summary>
    /// An amend risk passed (issue 19): one that adds shares to an opening order must fit the max position
    /// (held, working and the added shares), and a buy that needs more cash (more shares, a higher limit)
    /// must find it beyond what working buys hold. Reducing amends pass.
    /// </summary>
    private RejectReason CheckAmend(ref EngineEvent e)
    {
        if (AmendRules.Target(_orders, in e, out int slot) != RejectReason.None)
        {
            return RejectReason.None; // risk refused it already
        }

        ref OrderRecord order = ref _orders[slot];
        AmendRules.NewTerms(in order, in e, out long quantity, out long limitRaw, out long stopRaw);
        int s = order.SymbolId;
        long last = _market.LastRaw(s);
        long newPrice = limitRaw > 0 ? limitRaw : stopRaw > 0 ? stopRaw : last;
        long oldPrice = order.LimitRaw > 0 ? order.LimitRaw : order.StopRaw > 0 ? order.StopRaw : last;
        long added = quantity - order.Quantity;
        long position = _portfolio.Quantity(s);
        bool reduces = order.Side == Side.Sell ? position > 0 : position < 0;
        if (added > 0 && !reduces && newPrice > 0)
        {
            long equity = _portfolio.Currencies.FromBase(_portfolio.EquityRaw, _portfolio.Currencies.Of(s)); // the order's currency
            long working = order.Side == Side.Buy ? _orders.WorkingBuyQuantity(s) : _orders.WorkingSellQuantity(s);
            if (equity <= 0 || Math.Abs(position) + working + added > _portfolio.Units.Affordable(s, FixedPoint.MulDiv(equity, _maxPositionPpm, Ppm), newPrice))
            {
                return RejectReason.MaxPosition;
            }
        }

        if (order.Side == Side.Buy && newPrice > 0)
        {
            long leaves = quantity - order.FilledQuantity;
            long needed = _portfolio.Units.SaturatingNotional(s, newPrice, leaves) - _portfolio.Units.SaturatingNotional(s, oldPrice, order.LeavesQuantity);
            if (needed > 0 && needed + FixedPoint.Bps(needed, _commissionEstimateBps) > BuyingPowerRaw(_portfolio.Currencies.Of(s)))
            {
                return RejectReason.InsufficientBuyingPower;
            }
        }

        return RejectReason.None;
    }

    /// <summary>notional × 10,000 / equity (positive equity), divided in 64 bits when the product fits, as it does below 9.2 × 10^14 raw.</summary>
    private static long ShareOfEquityBps(long notionalRaw, long equityRaw) =>
        notionalRaw <= long.MaxValue / 10_000 && notionalRaw >= long.MinValue / 10_000
            ? notionalRaw * 10_000 / equityRaw
            : (long)((Int128)notionalRaw * 10_000 / equityRaw);

    private static void Cap(ref long quantity, ref RejectReason binding, long cap, RejectReason reason)
    {
        if (cap < quantity)
        {
            quantity = Math.Max(0, cap);
            binding = reason;
        }
    }

    /// <summary>
    /// What a new buy or short sale in <paramref name="currency"/> may spend: that currency's cash, less what
    /// working orders will take when they fill (buys beyond the short they cover, short sales beyond the long
    /// they close; valued at the last price), less twice the shorts' value (proceeds held plus margin).
    /// With no shorts this is cash minus working buys, as before.
    /// </summary>
    private long BuyingPowerRaw(int currency)
    {
        Currencies currencies = _portfolio.Currencies;
        long reserved = 0;
        for (int s = 0; s < _market.SymbolCount; s++)
        {
            if (currencies.Of(s) != currency)
            {
                continue;
            }

            long position = _portfolio.Quantity(s);
            long opening = Math.Max(0, _orders.WorkingBuyQuantity(s) - Math.Max(0, -position)) + Math.Max(0, _orders.WorkingSellQuantity(s) - Math.Max(0, position));
            if (opening > 0)
            {
                reserved += _portfolio.Units.SaturatingNotional(s, _market.LastRaw(s), opening);
            }
        }

        return _portfolio.CashRawOf(currency) - reserved - (2 * _portfolio.ShortExposureRaw(currency));
    }

    /// <summary>Set by the engine: which symbols may be sold short and their borrow (null = every symbol, unlimited).</summary>
    internal ShortRules? Shorts { get; set; }
}
