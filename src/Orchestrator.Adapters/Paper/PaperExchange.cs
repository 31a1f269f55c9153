using System.Diagnostics;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Paper;

/// <summary>
/// The paper broker's simulated exchange: a deterministic matching simulator that fills the
/// engine's orders against the market data it is shown, and keeps the account's cash and positions.
/// </summary>
/// <remarks>
/// <para><b>Threading.</b> Single-threaded and not thread-safe: the caller serialises every call
/// (submit, cancel, market data, end of day, queries), e.g. by running all of them on one
/// gateway thread. Report sinks are called synchronously on the caller's thread and must not call
/// back into the exchange (that throws <see cref="InvalidOperationException"/>); queries from a
/// sink are fine and see the state after the reported change.</para>
/// <para><b>Time.</b> It never reads a clock. A report caused by market data carries that data's
/// <c>TsEventNs</c>; accepts, cancels and rejects carry the latest market time seen (0 before any);
/// expiries carry the time given to <see cref="EndOfDay(long, bool[], IExecutionReportSink)"/>.</para>
/// <para><b>Matching.</b> Orders never fill on submit; each market-data update fills the open
/// orders of its symbol in arrival order, sharing the update's size among them. Buying power and
/// position are checked at submit and reserved while the order is open; fills themselves are not
/// re-checked, so a market buy that fills above its estimate can take cash below zero. Order types
/// and times in force beyond market/limit/stop/stop-limit and day/gtc/ioc/fok — trailing stops, opg,
/// cls — are in PaperExchange.OrderTypes.cs.</para>
/// <para><b>Memory.</b> Orders live in slots pre-allocated for <see cref="PaperExchangeOptions.MaxOpenOrders"/>,
/// threaded on per-symbol and arrival intrusive lists; the id index is a dictionary pre-sized to the
/// same capacity, so it never grows. Steady state allocates nothing.</para>
/// </remarks>
public sealed partial class PaperExchange
{
    private const int Nil = -1;
    private const long Unlimited = long.MaxValue;

    private readonly long _slippageBps;
    private readonly long _commissionBps;
    private readonly long _minimumCommissionRaw;
    private readonly bool _allowShortSelling;

    private readonly PaperOrderSlot[] _orders;
    private readonly int[] _freeSlots;
    private readonly Dictionary<long, int> _slotById;

    // Per symbol, indexed by symbol id.
    private readonly int[] _symbolHead;
    private readonly int[] _symbolTail;
    private readonly long[] _positions;
    private readonly long[] _lastPriceRaw;
    private readonly long[] _reservedSellQuantity;
    private readonly QuantityUnits _units;

    private int _freeCount;
    private int _arrivalHead = Nil;
    private int _arrivalTail = Nil;
    private readonly int[] _currencyOf;   // per symbol: its currency id (PaperExchange.Cash.cs)
    private readonly long[] _cashRaw;       // per currency
    private readonly long[] _reservedCashRaw; // per currency
    private long _lastTsNs;
    private bool _busy;

    /// <summary>Creates the exchange and pre-allocates all its storage; throws <see cref="ArgumentException"/> listing every invalid setting.</summary>
    public PaperExchange(PaperExchangeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count != 0)
        {
            throw new ArgumentException("Invalid paper exchange options: " + string.Join("; ", errors), nameof(options));
        }

        Options = options;
        _slippageBps = options.SlippageBps;
        _commissionBps = options.CommissionBps;
        _minimumCommissionRaw = options.MinimumCommissionRaw;
        _allowShortSelling = options.AllowShortSelling;
        _calendars = options.Calendars;
        _units = options.Units ?? QuantityUnits.Whole(options.SymbolCount);

        int capacity = options.MaxOpenOrders;
        _orders = new PaperOrderSlot[capacity];
        _freeSlots = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            // Popped from the end: slot 0 first, so slot use is deterministic.
            _freeSlots[i] = capacity - 1 - i;
        }

        _freeCount = capacity;
        _slotById = new Dictionary<long, int>(capacity);

        int symbols = options.SymbolCount;
        _symbolHead = new int[symbols];
        _symbolTail = new int[symbols];
        Array.Fill(_symbolHead, Nil);
        Array.Fill(_symbolTail, Nil);
        _positions = new long[symbols];
        _lastPriceRaw = new long[symbols];
        _reservedSellQuantity = new long[symbols];
        (_currencyOf, _cashRaw, _reservedCashRaw) = CashAccounts(options);
    }

    public PaperExchangeOptions Options { get; }

    /// <summary>Cash of the account in the base currency (the only one without <see cref="PaperExchangeOptions.Currencies"/>), raw units.</summary>
    public long CashRaw => _cashRaw[0];

    /// <summary>Cash held back for open buy orders in the base currency, raw units.</summary>
    public long ReservedCashRaw => _reservedCashRaw[0];

    public int OpenOrderCount => _slotById.Count;

    /// <summary>Shares held in the symbol (negative when short).</summary>
    public long GetPosition(int symbolId) => _positions[CheckSymbol(symbolId)];

    /// <summary>The symbol's last price (trade, bar close or quote mid), raw units; 0 before any.</summary>
    public long GetLastPrice(int symbolId) => _lastPriceRaw[CheckSymbol(symbolId)];

    public bool TryGetOpenOrder(long clientOrderId, out PaperOrder order)
    {
        if (_slotById.TryGetValue(clientOrderId, out int slot))
        {
            order = new PaperOrder(in _orders[slot]);
            return true;
        }

        order = default;
        return false;
    }

    /// <summary>
    /// Checks an order and either rests it (an Accepted report) or refuses it (a Rejected report
    /// with BrokerRejected, InsufficientBuyingPower or NoPosition). It never fills here.
    /// </summary>
    public void Submit(in OrderCommand order, IExecutionReportSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Enter();
        try
        {
            RejectReason reason = Check(in order, out long reservePriceRaw, out long reservedCashRaw);
            if (reason == RejectReason.None)
            {
                Accept(in order, reservePriceRaw, reservedCashRaw, sink);
            }
            else
            {
                Refuse(in order, ExecutionType.Rejected, reason, sink);
            }
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>
    /// After a restart from a journal: the account as the journal left it (the paper venue lives in
    /// memory, so the engine's journal is its only record) — the base currency's cash, positions and last
    /// prices (other currencies' cash: <see cref="RestoreCash"/>). Call before any order.
    /// </summary>
    public void RestoreAccount(long cashRaw, ReadOnlySpan<long> positions, ReadOnlySpan<long> lastPricesRaw)
    {
        if (_slotById.Count > 0)
        {
            throw new InvalidOperationException("The paper account can be restored only before any order.");
        }

        if (positions.Length != _positions.Length || lastPricesRaw.Length != _lastPriceRaw.Length)
        {
            throw new ArgumentException($"Expected {_positions.Length} symbols.", nameof(positions));
        }

        _cashRaw[0] = cashRaw;
        positions.CopyTo(_positions);
        lastPricesRaw.CopyTo(_lastPriceRaw);
    }

    /// <summary>
    /// After a restart from a journal: rests again an order the journal shows the venue had
    /// accepted, for its <paramref name="leavesQuantity"/>, without a new Accepted report. An order
    /// the venue's checks now refuse (no buying power left) is canceled, with a Canceled report.
    /// </summary>
    public void Resume(in OrderCommand order, long leavesQuantity, IExecutionReportSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Enter();
        try
        {
            OrderCommand rest = order;
            rest.Quantity = leavesQuantity;
            if (Check(in rest, out long reservePriceRaw, out long reservedCashRaw) == RejectReason.None)
            {
                Accept(in rest, reservePriceRaw, reservedCashRaw, sink, report: false);
                return;
            }

            Refuse(in order, ExecutionType.Canceled, RejectReason.None, sink);
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>
    /// Cancels an open order (a Canceled report, releasing its reservation); an id that is not open
    /// gets a Rejected report with BrokerRejected and symbol id -1.
    /// </summary>
    public void Cancel(long clientOrderId, IExecutionReportSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Enter();
        try
        {
            if (_slotById.TryGetValue(clientOrderId, out int slot))
            {
                Close(slot, ExecutionType.Canceled, _lastTsNs, sink);
            }
            else
            {
                var report = new ExecutionReport
                {
                    ClientOrderId = clientOrderId,
                    SymbolId = -1,
                    ExecType = ExecutionType.Rejected,
                    Reject = RejectReason.BrokerRejected,
                    TsEventNs = _lastTsNs,
                };
                sink.OnExecutionReport(in report);
            }
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>
    /// Shows the exchange one market-data update: records the last price and market time, then
    /// fills the symbol's open orders in arrival order — with exchange calendars only when the update is
    /// in the symbol's regular session (<see cref="PaperExchangeOptions.Calendars"/>). Updates for symbol
    /// ids outside the configured range, and kinds other than trade, quote and bar, change nothing.
    /// </summary>
    public void OnMarketData(in MarketTick tick, IExecutionReportSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        int symbolId = tick.SymbolId;
        if ((uint)symbolId >= (uint)_symbolHead.Length
            || tick.Kind is not (EventKind.TradeTick or EventKind.QuoteTick or EventKind.Bar))
        {
            return;
        }

        Enter();
        try
        {
            _lastTsNs = tick.TsEventNs;
            UpdateLastPrice(in tick);
            if (!InRegularSession(symbolId, tick.TsEventNs))
            {
                return; // queued for the open (PaperExchange.Session.cs)
            }

            // A trade's or a bar's size is shared by both sides; a quote has one pool per side.
            // Sizes are shares; orders count the symbol's units (issue 19: a fractional symbol's pool is size × units).
            long unitsPerShare = _units.PerShare(symbolId);
            long sharedPool = PoolOf(tick.Size, unitsPerShare);
            long askPool = PoolOf(tick.AskSize, unitsPerShare);
            long bidPool = PoolOf(tick.BidSize, unitsPerShare);
            bool isQuote = tick.Kind == EventKind.QuoteTick;

            int slot = _symbolHead[symbolId];
            while (slot != Nil)
            {
                ref PaperOrderSlot order = ref _orders[slot];
                int next = order.SymbolNext;
                bool opportunity = TryGetOpportunity(ref order, in tick, out long fillPriceRaw);
                TrailAfterBar(ref order, in tick);
                if (opportunity)
                {
                    ref long pool = ref sharedPool;
                    if (isQuote)
                    {
                        pool = ref order.Side == Side.Buy ? ref askPool : ref bidPool;
                    }

                    TakeOpportunity(slot, fillPriceRaw, ref pool, tick.TsEventNs, sink);
                }

                slot = next;
            }
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>Expires every open Day order (an Expired report each, in arrival order, stamped <paramref name="tsEventNs"/>); fills marketable Cls orders first.</summary>
    public void EndOfDay(long tsEventNs, IExecutionReportSink sink) => EndOfDay(tsEventNs, null, sink);

    /// <summary>
    /// The close of the symbols whose trading day ended (<paramref name="symbols"/> by id, as
    /// <see cref="TradingDayBoundary"/> gives them: one exchange's close; null = every symbol): fills every
    /// open Cls order that is marketable at the last price (market, or a limit the last price reaches),
    /// then expires every open Day and Cls order (an Expired report each, in arrival order, stamped
    /// <paramref name="tsEventNs"/>).
    /// </summary>
    public void EndOfDay(long tsEventNs, bool[]? symbols, IExecutionReportSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Enter();
        try
        {
            int slot = _arrivalHead;
            while (slot != Nil)
            {
                int next = _orders[slot].ArrivalNext;
                TimeInForce tif = _orders[slot].TimeInForce;
                bool ends = symbols is null || ((uint)_orders[slot].SymbolId < (uint)symbols.Length && symbols[_orders[slot].SymbolId]);
                if (ends && tif == TimeInForce.Cls && FillAtClose(slot, tsEventNs, sink))
                {
                    slot = next;
                    continue;
                }

                if (ends && tif is TimeInForce.Day or TimeInForce.Cls)
                {
                    Close(slot, ExecutionType.Expired, tsEventNs, sink);
                }

                slot = next;
            }
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>Ends an order the venue will not rest: Rejected with a reason, or Canceled.</summary>
    private void Refuse(in OrderCommand order, ExecutionType type, RejectReason reason, IExecutionReportSink sink)
    {
        var report = new ExecutionReport
        {
            ClientOrderId = order.ClientOrderId,
            SymbolId = order.SymbolId,
            ExecType = type,
            Side = order.Side,
            Reject = reason,
            TsEventNs = _lastTsNs,
        };
        sink.OnExecutionReport(in report);
    }

    private RejectReason Check(in OrderCommand order, out long reservePriceRaw, out long reservedCashRaw)
    {
        reservePriceRaw = 0;
        reservedCashRaw = 0;
        if (order.Kind != OrderCommandKind.SubmitOrder
            || order.Quantity <= 0
            || (uint)order.SymbolId >= (uint)_symbolHead.Length
            || order.Side is not (Side.Buy or Side.Sell)
            || order.OrderType > OrderType.TrailingStop
            || order.TimeInForce > TimeInForce.Cls)
        {
            return RejectReason.BrokerRejected;
        }

        if (CheckOrderType(in order) is var unsupported && unsupported != RejectReason.None)
        {
            return unsupported;
        }

        bool hasLimit = order.OrderType is OrderType.Limit or OrderType.StopLimit;
        bool hasStop = order.OrderType is OrderType.Stop or OrderType.StopLimit;
        if ((hasLimit && order.LimitPriceRaw <= 0)
            || (hasStop && order.StopPriceRaw <= 0)
            || _slotById.ContainsKey(order.ClientOrderId)
            || _freeCount == 0)
        {
            return RejectReason.BrokerRejected;
        }

        int symbolId = order.SymbolId;
        if (order.Side == Side.Buy)
        {
            long lastPriceRaw = _lastPriceRaw[symbolId];
            reservePriceRaw = hasLimit ? order.LimitPriceRaw
                : lastPriceRaw > 0 ? lastPriceRaw
                : hasStop ? order.StopPriceRaw
                : 0;
            if (reservePriceRaw == 0)
            {
                // A market buy before any price: its cost cannot be estimated.
                return RejectReason.BrokerRejected;
            }

            reservedCashRaw = EstimateBuyCost(symbolId, reservePriceRaw, order.Quantity);
            int currency = _currencyOf[symbolId];
            return reservedCashRaw > _cashRaw[currency] - _reservedCashRaw[currency] ? RejectReason.InsufficientBuyingPower : RejectReason.None;
        }

        if (!_allowShortSelling && order.Quantity > _positions[symbolId] - _reservedSellQuantity[symbolId])
        {
            return RejectReason.NoPosition;
        }

        return RejectReason.None;
    }

    private void Accept(in OrderCommand order, long reservePriceRaw, long reservedCashRaw, IExecutionReportSink sink, bool report = true)
    {
        int slot = _freeSlots[--_freeCount];
        int symbolId = order.SymbolId;
        ref PaperOrderSlot o = ref _orders[slot];
        o.ClientOrderId = order.ClientOrderId;
        o.SymbolId = symbolId;
        o.Side = order.Side;
        o.OrderType = order.OrderType;
        o.TimeInForce = order.TimeInForce;
        o.IsTriggered = false;
        o.Quantity = order.Quantity;
        o.LeavesQuantity = order.Quantity;
        o.LimitPriceRaw = order.OrderType is OrderType.Limit or OrderType.StopLimit ? order.LimitPriceRaw : 0;
        o.StopPriceRaw = order.OrderType is OrderType.Stop or OrderType.StopLimit ? order.StopPriceRaw : 0;
        AcceptTrail(ref o, in order);
        o.ReservePriceRaw = reservePriceRaw;
        o.ReservedCashRaw = reservedCashRaw;
        o.AcceptedTsNs = _lastTsNs;

        o.SymbolPrev = _symbolTail[symbolId];
        o.SymbolNext = Nil;
        if (o.SymbolPrev == Nil)
        {
            _symbolHead[symbolId] = slot;
        }
        else
        {
            _orders[o.SymbolPrev].SymbolNext = slot;
        }

        _symbolTail[symbolId] = slot;

        o.ArrivalPrev = _arrivalTail;
        o.ArrivalNext = Nil;
        if (o.ArrivalPrev == Nil)
        {
            _arrivalHead = slot;
        }
        else
        {
            _orders[o.ArrivalPrev].ArrivalNext = slot;
        }

        _arrivalTail = slot;

        _slotById.Add(order.ClientOrderId, slot);
        if (order.Side == Side.Buy)
        {
            _reservedCashRaw[_currencyOf[symbolId]] += reservedCashRaw;
        }
        else
        {
            _reservedSellQuantity[symbolId] += order.Quantity;
        }

        if (!report)
        {
            return;
        }

        var accepted = new ExecutionReport
        {
            ClientOrderId = order.ClientOrderId,
            SymbolId = symbolId,
            ExecType = ExecutionType.Accepted,
            Side = order.Side,
            LeavesQuantity = order.Quantity,
            TsEventNs = _lastTsNs,
        };
        sink.OnExecutionReport(in accepted);
    }

    /// <summary>
    /// Whether the update is a matching opportunity for the order (its side has a price and, for a
    /// stop, the stop is reached — which triggers it); if so, the fill price, or 0 when the order is
    /// not marketable at this update (a limit not crossed).
    /// </summary>
    private bool TryGetOpportunity(ref PaperOrderSlot order, in MarketTick tick, out long fillPriceRaw)
    {
        fillPriceRaw = 0;
        if (order.TimeInForce == TimeInForce.Cls)
        {
            return false; // only the close fills it (EndOfDay)
        }

        bool isBuy = order.Side == Side.Buy;
        bool isStop = order.OrderType is OrderType.Stop or OrderType.StopLimit or OrderType.TrailingStop;
        bool actsAsMarket = order.OrderType is OrderType.Market or OrderType.Stop or OrderType.TrailingStop;
        Trail(ref order, in tick);

        if (tick.Kind == EventKind.Bar)
        {
            long open = tick.OpenRaw;
            long high = tick.HighRaw;
            long low = tick.LowRaw;
            if (open <= 0 || high <= 0 || low <= 0)
            {
                return false;
            }

            // Where the price path starts for this order: the open, or the stop if it is reached inside the bar.
            long start = open;
            if (isStop && !order.IsTriggered)
            {
                if (isBuy ? high < order.StopPriceRaw : low > order.StopPriceRaw)
                {
                    return false;
                }

                order.IsTriggered = true;
                start = isBuy ? Math.Max(open, order.StopPriceRaw) : Math.Min(open, order.StopPriceRaw);
            }

            if (actsAsMarket)
            {
                fillPriceRaw = WithSlippage(start, isBuy);
            }
            else if (isBuy ? low <= order.LimitPriceRaw : high >= order.LimitPriceRaw)
            {
                fillPriceRaw = isBuy ? Math.Min(start, order.LimitPriceRaw) : Math.Max(start, order.LimitPriceRaw);
            }

            return true;
        }

        long priceRaw = tick.Kind == EventKind.TradeTick ? tick.PriceRaw : isBuy ? tick.AskRaw : tick.BidRaw;
        if (priceRaw <= 0)
        {
            return false;
        }

        if (isStop && !order.IsTriggered)
        {
            if (isBuy ? priceRaw < order.StopPriceRaw : priceRaw > order.StopPriceRaw)
            {
                return false;
            }

            order.IsTriggered = true;
        }

        if (actsAsMarket)
        {
            fillPriceRaw = WithSlippage(priceRaw, isBuy);
        }
        else if (isBuy ? priceRaw <= order.LimitPriceRaw : priceRaw >= order.LimitPriceRaw)
        {
            fillPriceRaw = priceRaw;
        }

        return true;
    }

    /// <summary>Fills what the pool allows at the price (FOK: all or nothing), then ends an IOC or FOK order.</summary>
    private void TakeOpportunity(int slot, long fillPriceRaw, ref long pool, long tsEventNs, IExecutionReportSink sink)
    {
        ref PaperOrderSlot order = ref _orders[slot];
        if (fillPriceRaw > 0)
        {
            long leaves = order.LeavesQuantity;
            long quantity = Math.Min(leaves, pool);
            if (order.TimeInForce == TimeInForce.Fok && quantity < leaves)
            {
                quantity = 0;
            }

            if (quantity > 0)
            {
                pool -= quantity;
                if (ApplyFill(slot, fillPriceRaw, quantity, tsEventNs, sink))
                {
                    return;
                }
            }
        }

        if (order.TimeInForce is TimeInForce.Ioc or TimeInForce.Fok or TimeInForce.Opg)
        {
            Close(slot, ExecutionType.Canceled, tsEventNs, sink);
        }
    }

    /// <summary>Books one fill and reports it; true when it completed the order (which is then closed).</summary>
    private bool ApplyFill(int slot, long fillPriceRaw, long quantity, long tsEventNs, IExecutionReportSink sink)
    {
        ref PaperOrderSlot order = ref _orders[slot];
        int symbolId = order.SymbolId;
        long notionalRaw = _units.Notional(symbolId, fillPriceRaw, quantity); // quantities in the symbol's units (issue 19)
        long commissionRaw = Math.Max(_minimumCommissionRaw, FixedPoint.Bps(notionalRaw, _commissionBps));
        long leaves = order.LeavesQuantity - quantity;
        order.LeavesQuantity = leaves;

        int currency = _currencyOf[symbolId];
        if (order.Side == Side.Buy)
        {
            _cashRaw[currency] = checked(_cashRaw[currency] - notionalRaw - commissionRaw);
            _positions[symbolId] = checked(_positions[symbolId] + quantity);
            long reservedRaw = leaves == 0 ? 0 : EstimateBuyCost(symbolId, order.ReservePriceRaw, leaves);
            _reservedCashRaw[currency] += reservedRaw - order.ReservedCashRaw;
            order.ReservedCashRaw = reservedRaw;
        }
        else
        {
            _cashRaw[currency] = checked(_cashRaw[currency] + notionalRaw - commissionRaw);
            _positions[symbolId] = checked(_positions[symbolId] - quantity);
            _reservedSellQuantity[symbolId] -= quantity;
        }

        var report = new ExecutionReport
        {
            ClientOrderId = order.ClientOrderId,
            SymbolId = symbolId,
            ExecType = leaves == 0 ? ExecutionType.Fill : ExecutionType.PartialFill,
            Side = order.Side,
            FillQuantity = quantity,
            FillPriceRaw = fillPriceRaw,
            CommissionRaw = commissionRaw,
            LeavesQuantity = leaves,
            TsEventNs = tsEventNs,
        };

        if (leaves == 0)
        {
            Remove(slot);
        }

        sink.OnExecutionReport(in report);
        return leaves == 0;
    }

    /// <summary>Removes an open order and reports it ended (Canceled or Expired) with no leaves.</summary>
    private void Close(int slot, ExecutionType execType, long tsEventNs, IExecutionReportSink sink)
    {
        ref PaperOrderSlot order = ref _orders[slot];
        var report = new ExecutionReport
        {
            ClientOrderId = order.ClientOrderId,
            SymbolId = order.SymbolId,
            ExecType = execType,
            Side = order.Side,
            LeavesQuantity = 0,
            TsEventNs = tsEventNs,
        };
        Remove(slot);
        sink.OnExecutionReport(in report);
    }

    /// <summary>Unlinks an open order, releases its reservation and frees its slot.</summary>
    private void Remove(int slot)
    {
        ref PaperOrderSlot order = ref _orders[slot];
        int symbolId = order.SymbolId;

        if (order.SymbolPrev == Nil)
        {
            _symbolHead[symbolId] = order.SymbolNext;
        }
        else
        {
            _orders[order.SymbolPrev].SymbolNext = order.SymbolNext;
        }

        if (order.SymbolNext == Nil)
        {
            _symbolTail[symbolId] = order.SymbolPrev;
        }
        else
        {
            _orders[order.SymbolNext].SymbolPrev = order.SymbolPrev;
        }

        if (order.ArrivalPrev == Nil)
        {
            _arrivalHead = order.ArrivalNext;
        }
        else
        {
            _orders[order.ArrivalPrev].ArrivalNext = order.ArrivalNext;
        }

        if (order.ArrivalNext == Nil)
        {
            _arrivalTail = order.ArrivalPrev;
        }
        else
        {
            _orders[order.ArrivalNext].ArrivalPrev = order.ArrivalPrev;
        }

        if (order.Side == Side.Buy)
        {
            _reservedCashRaw[_currencyOf[symbolId]] -= order.ReservedCashRaw;
        }
        else
        {
            _reservedSellQuantity[symbolId] -= order.LeavesQuantity;
        }

        bool removed = _slotById.Remove(order.ClientOrderId);
        Debug.Assert(removed, "An open order is always indexed by its id.");
        order = default;
        _freeSlots[_freeCount++] = slot;
    }

    /// <summary>Cash a buy is expected to need: notional at the price, plus slippage and commission on it; saturates at long.MaxValue.</summary>
    private long EstimateBuyCost(int symbolId, long priceRaw, long quantity)
    {
        Int128 notional = _units.SaturatingNotional(symbolId, priceRaw, quantity);
        Int128 slippage = notional * _slippageBps / 10_000;
        Int128 commission = notional * _commissionBps / 10_000;
        if (commission < _minimumCommissionRaw)
        {
            commission = _minimumCommissionRaw;
        }

        Int128 total = notional + slippage + commission;
        return total > long.MaxValue ? long.MaxValue : (long)total;
    }

    /// <summary>Moves the price against the taker by the slippage: up for a buy, down for a sell.</summary>
    private long WithSlippage(long priceRaw, bool isBuy)
    {
        long slippageRaw = FixedPoint.Bps(priceRaw, _slippageBps);
        return isBuy ? priceRaw + slippageRaw : priceRaw - slippageRaw;
    }

    private void UpdateLastPrice(in MarketTick tick)
    {
        long priceRaw = tick.PriceRaw;
        if (priceRaw <= 0 && tick.Kind == EventKind.QuoteTick && tick.BidRaw > 0 && tick.AskRaw > 0)
        {
            priceRaw = (tick.BidRaw + tick.AskRaw) / 2;
        }

        if (priceRaw > 0)
        {
            _lastPriceRaw[tick.SymbolId] = priceRaw;
        }
    }

    private static long PoolOf(long size, long unitsPerShare) => size <= 0 ? Unlimited : unitsPerShare == 1 ? size : Quantities.FromShares(size, unitsPerShare);

    private void Enter()
    {
        if (_busy)
        {
            ThrowHelper.ThrowReentrantCall();
        }

        _busy = true;
    }

    private int CheckSymbol(int symbolId)
    {
        if ((uint)symbolId >= (uint)_symbolHead.Length)
        {
            ThrowHelper.ThrowSymbolOutOfRange(symbolId);
        }

        return symbolId;
    }
}
