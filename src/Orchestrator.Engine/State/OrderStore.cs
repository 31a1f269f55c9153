using Orchestrator.Core;
using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Engine.State;

/// <summary>
/// The order table: a pre-allocated ring of <see cref="OrderRecord"/>s. Client order ids are
/// <c>base + counter</c>: deterministic for a given base, so replaying the same inputs produces the
/// same ids, and the slot of an id is <c>counter mod capacity</c> (no hashing). A slot is reused only
/// once its previous order is finished. The daemon takes the base from the clock when a run (or a
/// new journal) starts (<see cref="BaseFromClock"/>), and a journal keeps it, so ids never repeat
/// across runs and replay gives the same ones.
/// </summary>
/// <remarks>Used by the order manager's thread only.</remarks>
public sealed class OrderStore
{
    /// <summary>The base of engines that are given none, and of journals written before the base was recorded (the old prefix 1 × 10^12).</summary>
    public const long LegacyBase = 1_000_000_000_000;

    private readonly OrderRecord[] _orders;
    private readonly long _mask;
    private readonly long _idBase;
    private readonly long[] _workingBuyQty;
    private readonly long[] _workingSellQty;
    private readonly long[] _exitBuyQty;
    private readonly long[] _exitSellQty;
    private readonly long[] _heldBuyQty;
    private readonly long[] _heldSellQty;
    private long _nextCounter = 1;
    private int _openCount;

    public OrderStore(int capacity, long idBase, int symbolCount)
    {
        if (capacity < 2 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "Order capacity must be a power of two.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(idBase);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(idBase, MaxBase);
        _orders = new OrderRecord[capacity];
        _mask = capacity - 1;
        _idBase = idBase;
        _workingBuyQty = new long[symbolCount];
        _workingSellQty = new long[symbolCount];
        _exitBuyQty = new long[symbolCount];
        _exitSellQty = new long[symbolCount];
        _heldBuyQty = new long[symbolCount];
        _heldSellQty = new long[symbolCount];
    }

    /// <summary>Highest base: leaves room for 2^62 orders before a <c>long</c> overflows.</summary>
    public const long MaxBase = long.MaxValue - (1L << 62);

    public int Capacity => _orders.Length;

    /// <summary>The first client order id is this plus one.</summary>
    public long IdBase => _idBase;

    /// <summary>
    /// A base that no earlier run has used: the time in nanoseconds since the Unix epoch (100 ns
    /// resolution). A run places far fewer than one order per nanosecond, so its ids stay below the
    /// base of any run started after it. 19 digits: Alpaca's client_order_id takes up to 128
    /// characters; KIS has no client id; the paper venue keeps a <c>long</c>.
    /// </summary>
    public static long BaseFromClock(DateTimeOffset now) => (now - DateTimeOffset.UnixEpoch).Ticks * 100;

    /// <summary>Orders not yet in a terminal state.</summary>
    public int OpenCount => _openCount;

    /// <summary>Orders created so far.</summary>
    public long Created => _nextCounter - 1;

    /// <summary>Shares on open buy orders of a symbol, not yet filled.</summary>
    public long WorkingBuyQuantity(int symbolId) => _workingBuyQty[symbolId];

    /// <summary>Shares on open sell orders of a symbol, not yet filled.</summary>
    /// <remarks>
    /// Working quantities leave out order groups' exits (<see cref="ExitSellQuantity"/>): an exit never opens a position
    /// (its group keeps it within the position), and a take-profit and stop-loss pair closes its shares once, not twice.
    /// </remarks>
    public long WorkingSellQuantity(int symbolId) => _workingSellQty[symbolId];

    /// <summary>Shares on open exits of order groups that buy (protecting shorts), not yet filled; a pair counts twice.</summary>
    public long ExitBuyQuantity(int symbolId) => _exitBuyQty[symbolId];

    /// <summary>Shares on open exits of order groups that sell (protecting longs), not yet filled; a pair counts twice.</summary>
    public long ExitSellQuantity(int symbolId) => _exitSellQty[symbolId];

    /// <summary>Shares of shorts that order groups protect with exits the engine holds alone (none at the venue).</summary>
    public long HeldBuyQuantity(int symbolId) => _heldBuyQty[symbolId];

    /// <summary>Shares of longs that order groups protect with exits the engine holds alone (none at the venue).</summary>
    public long HeldSellQuantity(int symbolId) => _heldSellQty[symbolId];

    /// <summary>Sets what <see cref="HeldBuyQuantity"/> and <see cref="HeldSellQuantity"/> say for <paramref name="symbolId"/> (the order manager's groups, trading thread).</summary>
    public void SetHeldExits(int symbolId, long buyQuantity, long sellQuantity)
    {
        _heldBuyQty[symbolId] = buyQuantity;
        _heldSellQty[symbolId] = sellQuantity;
    }

    /// <summary>Makes a new order an order group's exit (issue 19): its open quantity moves from the working to the exit figures.</summary>
    public void MarkExit(ref OrderRecord order, OrderGroupRole role)
    {
        AddWorking(order.SymbolId, order.Side, -order.LeavesQuantity);
        order.GroupRole = role;
        AddWorking(in order, order.LeavesQuantity);
    }

    /// <summary>Whether the next order's slot is free (its previous occupant finished).</summary>
    /// <remarks>
    /// An entry whose order group still has work (<see cref="OrderRecord.GroupOpen"/>) keeps its slot too: its exits refer to it.
    /// So does a native bracket's entry while a leg the venue made for it is open (issue 19): the leg's reports come under
    /// ids derived from the entry's (<see cref="NativeLegIds"/>) and are booked through the entry.
    /// </remarks>
    public bool HasCapacity
    {
        get
        {
            ref OrderRecord next = ref _orders[_nextCounter & _mask];
            return next.ClientOrderId == 0 || (!OrderStateMachine.IsOpen(next.Status) && !next.GroupOpen && !NativeLegsOpen(in next));
        }
    }

    /// <summary>A native bracket's entry with a venue-made leg still open.</summary>
    private bool NativeLegsOpen(in OrderRecord entry) =>
        entry.ExitsNative && entry.GroupRole == OrderGroupRole.Entry && (IsOpen(entry.TakeProfitOrderId) || IsOpen(entry.StopOrderId));

    private bool IsOpen(long clientOrderId) => clientOrderId != 0 && TryFind(clientOrderId, out int slot) && OrderStateMachine.IsOpen(_orders[slot].Status);

    /// <summary>Creates an order in state PendingNew and returns a reference to it.</summary>
    public ref OrderRecord Create(int symbolId, Side side, OrderType type, TimeInForce tif, long quantity, long limitRaw, long stopRaw, IntentOrigin origin, int sourceId, long signalId, long tsNs)
    {
        long counter = _nextCounter++;
        ref OrderRecord order = ref _orders[counter & _mask];
        order = default;
        order.ClientOrderId = _idBase + counter;
        order.SymbolId = symbolId;
        order.Side = side;
        order.OrderType = type;
        order.TimeInForce = tif;
        order.Quantity = quantity;
        order.LimitRaw = limitRaw;
        order.StopRaw = stopRaw;
        order.Origin = origin;
        order.SourceId = sourceId;
        order.SignalId = signalId;
        order.Status = OrderStatus.PendingNew;
        order.TsCreatedNs = tsNs;
        order.TsUpdatedNs = tsNs;
        _openCount++;
        AddWorking(symbolId, side, quantity);
        return ref order;
    }

    /// <summary>Finds an order by client order id; false if unknown or already overwritten.</summary>
    public bool TryFind(long clientOrderId, out int slot)
    {
        long counter = clientOrderId - _idBase;
        slot = (int)(counter & _mask);
        return counter > 0 && counter < _nextCounter && _orders[slot].ClientOrderId == clientOrderId;
    }

    public ref OrderRecord this[int slot] => ref _orders[slot];

    /// <summary>Records a status change and a fill on an order, keeping the open count and working quantities right.</summary>
    public void Update(int slot, OrderStatus next, long fillQuantity, long fillPriceRaw, long tsNs)
    {
        ref OrderRecord order = ref _orders[slot];
        bool wasOpen = order.IsOpen;
        long leavesBefore = order.LeavesQuantity;
        if (fillQuantity > 0)
        {
            Int128 value = ((Int128)order.AvgFillPriceRaw * order.FilledQuantity) + ((Int128)fillPriceRaw * fillQuantity);
            order.FilledQuantity += fillQuantity;
            order.AvgFillPriceRaw = (long)(value / order.FilledQuantity);
        }

        order.Status = next;
        order.TsUpdatedNs = tsNs;
        if (wasOpen && !order.IsOpen)
        {
            _openCount--;
            AddWorking(in order, -leavesBefore);
        }
        else
        {
            AddWorking(in order, -fillQuantity);
        }
    }

    /// <summary>
    /// An amend took effect (issue 19): the open order's total quantity and prices are now these (fills
    /// kept); the working quantities follow its new leaves. The caller checked the quantity is above what is filled.
    /// </summary>
    public void Replace(int slot, long quantity, long limitRaw, long stopRaw, long tsNs)
    {
        ref OrderRecord order = ref _orders[slot];
        AddWorking(in order, quantity - order.Quantity); // an exit's figures stay with the exits
        order.Quantity = quantity;
        order.LimitRaw = limitRaw;
        order.StopRaw = stopRaw;
        order.TsUpdatedNs = tsNs;
    }

    /// <summary>Calls <paramref name="visit"/> for every open order (slow path and commands only).</summary>
    public int ForEachOpen<TVisitor>(ref TVisitor visit)
        where TVisitor : struct, IOrderVisitor
    {
        int visited = 0;
        for (int i = 0; i < _orders.Length; i++)
        {
            if (_orders[i].ClientOrderId != 0 && _orders[i].IsOpen)
            {
                visit.Visit(ref _orders[i]);
                visited++;
            }
        }

        return visited;
    }

    /// <summary>Adds to the working figures, or to the exit figures for an order group's exit.</summary>
    private void AddWorking(in OrderRecord order, long quantity)
    {
        if (order.GroupRole is OrderGroupRole.TakeProfit or OrderGroupRole.StopLoss or OrderGroupRole.TrailingStop)
        {
            (order.Side == Side.Buy ? _exitBuyQty : _exitSellQty)[order.SymbolId] += quantity;
            return;
        }

        AddWorking(order.SymbolId, order.Side, quantity);
    }

    private void AddWorking(int symbolId, Side side, long quantity)
    {
        if (side == Side.Buy)
        {
            _workingBuyQty[symbolId] += quantity;
        }
        else
        {
            _workingSellQty[symbolId] += quantity;
        }
    }

    /// <summary>Writes the table, counters and working quantities (checkpoint, trading thread).</summary>
    internal void WriteState(ref StateWriter w)
    {
        w.Int64(_nextCounter);
        w.Int32(_openCount);
        w.Int64s(_workingBuyQty);
        w.Int64s(_workingSellQty);
        w.Int64s(_exitBuyQty);
        w.Int64s(_exitSellQty);
        w.Int64s(_heldBuyQty);
        w.Int64s(_heldSellQty);
        w.Records(_orders); // one block copy: this is most of a snapshot, and the fast path waits for it
    }

    /// <summary>Restores what <see cref="WriteState"/> wrote (recovery, before any event).</summary>
    internal void ReadState(ref StateReader r)
    {
        _nextCounter = r.Int64();
        _openCount = r.Int32();
        r.Int64s(_workingBuyQty);
        r.Int64s(_workingSellQty);
        r.Int64s(_exitBuyQty);
        r.Int64s(_exitSellQty);
        r.Int64s(_heldBuyQty);
        r.Int64s(_heldSellQty);
        r.Records(_orders);
    }

    /// <summary>After <see cref="ReadState"/>: gives every order the source id its name has in this process (recovery).</summary>
    internal void MapSources(int[] map)
    {
        for (int i = 0; i < _orders.Length; i++)
        {
            _orders[i].SourceId = SnapshotSources.Map(map, _orders[i].SourceId);
        }
    }
}

/// <summary>A visitor over open orders, as a struct so iteration neither allocates nor boxes.</summary>
public interface IOrderVisitor
{
    void Visit(ref OrderRecord order);
}
