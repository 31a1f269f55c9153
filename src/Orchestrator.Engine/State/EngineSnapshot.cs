using Orchestrator.Core;

namespace Orchestrator.Engine.State;

/// <summary>One open order as a snapshot holds it.</summary>
public struct SnapshotOrder
{
    public long ClientOrderId;
    public int SymbolId;
    public Side Side;
    public OrderStatus Status;
    public long Quantity;
    public long FilledQuantity;
    public long LimitRaw;
    public IntentOrigin Origin;

    /// <summary>The order's source (<see cref="OrderRecord.SourceId"/>).</summary>
    public int SourceId;

    /// <summary>The signal it came from; 0 for rule, exit and operator orders.</summary>
    public long SignalId;
}

/// <summary>
/// The picture of the account the engine publishes for the slow path: written by the trading
/// thread between two events when a <see cref="CommandKind.PublishSnapshot"/> asks for it, read
/// by anyone. A sequence lock (odd while writing) lets readers copy a consistent picture without
/// ever making the writer wait; a reader that overlaps a write simply copies again. Every array
/// is allocated once, so publishing allocates nothing.
/// </summary>
public sealed class EngineSnapshot
{
    private readonly long[] _quantity;
    private readonly long[] _avgCostRaw;
    private readonly long[] _lastRaw;
    private readonly long[] _unrealizedRaw;
    private readonly long[] _realizedRaw;
    private readonly SnapshotOrder[] _orders;
    private readonly long[] _cashRawByCurrency; // per currency id of the portfolio's Currencies (issue 19)
    private long _sequence; // even: stable; odd: being written
    private long _version;
    private long _eventTimeNs;
    private long _cashRaw;
    private long _equityRaw;
    private int _orderCount;
    private bool _killSwitch;

    /// <param name="symbolCount">Symbols of the engine.</param>
    /// <param name="orderCapacity">Open orders the snapshot holds at most.</param>
    /// <param name="currencyCount">Currencies the account keeps (<see cref="Currencies.Count"/>; 1 = the base only).</param>
    public EngineSnapshot(int symbolCount, int orderCapacity, int currencyCount = 1)
    {
        _cashRawByCurrency = new long[Math.Max(1, currencyCount)];
        _quantity = new long[symbolCount];
        _avgCostRaw = new long[symbolCount];
        _lastRaw = new long[symbolCount];
        _unrealizedRaw = new long[symbolCount];
        _realizedRaw = new long[symbolCount];
        _orders = new SnapshotOrder[orderCapacity];
    }

    public int SymbolCount => _quantity.Length;

    /// <summary>The published version (0 = none yet).</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>Trading thread only: copies the state in. Allocation-free.</summary>
    public void Write(Portfolio portfolio, MarketState market, OrderStore orders, bool killSwitch, long eventTimeNs)
    {
        // Seqlock writer: odd, then the data, then even. Interlocked gives the full fences that
        // keep the data writes inside the odd window on every architecture.
        Interlocked.Increment(ref _sequence);
        for (int s = 0; s < _quantity.Length; s++)
        {
            _quantity[s] = portfolio.Quantity(s);
            _avgCostRaw[s] = portfolio.AvgCostRaw(s);
            _lastRaw[s] = market.LastRaw(s);
            _unrealizedRaw[s] = portfolio.UnrealizedRaw(s);
            _realizedRaw[s] = portfolio.RealizedRaw(s);
        }

        ArgumentNullException.ThrowIfNull(portfolio);
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(orders);
        var copier = new OrderCopier(_orders);
        orders.ForEachOpen(ref copier);
        _orderCount = copier.Count;
        _cashRaw = portfolio.CashRaw;
        for (int c = 0; c < _cashRawByCurrency.Length && c < portfolio.Currencies.Count; c++)
        {
            _cashRawByCurrency[c] = portfolio.CashRawOf(c);
        }

        _equityRaw = portfolio.EquityRaw;
        _killSwitch = killSwitch;
        _eventTimeNs = eventTimeNs;
        _version++;
        Interlocked.Increment(ref _sequence);
    }

    /// <summary>
    /// Copies a consistent picture into <paramref name="into"/> (any thread). Returns its version;
    /// 0 when nothing has been published yet.
    /// </summary>
    public long Read(SnapshotCopy into)
    {
        ArgumentNullException.ThrowIfNull(into);
        into.Ensure(_quantity.Length, _orders.Length, _cashRawByCurrency.Length);
        var spin = default(SpinWait);
        while (true)
        {
            long before = Volatile.Read(ref _sequence);
            if ((before & 1) == 0)
            {
                Array.Copy(_quantity, into.Quantity, _quantity.Length);
                Array.Copy(_avgCostRaw, into.AvgCostRaw, _quantity.Length);
                Array.Copy(_lastRaw, into.LastRaw, _quantity.Length);
                Array.Copy(_unrealizedRaw, into.UnrealizedRaw, _quantity.Length);
                Array.Copy(_realizedRaw, into.RealizedRaw, _quantity.Length);
                int count = Math.Min(_orderCount, _orders.Length);
                Array.Copy(_orders, into.Orders, count);
                into.OrderCount = count;
                into.CashRaw = _cashRaw;
                Array.Copy(_cashRawByCurrency, into.CashRawByCurrency, _cashRawByCurrency.Length);
                into.EquityRaw = _equityRaw;
                into.KillSwitch = _killSwitch;
                into.EventTimeNs = _eventTimeNs;
                into.Version = _version;
                Interlocked.MemoryBarrier(); // the copies above complete before the sequence is re-read
                if (Volatile.Read(ref _sequence) == before)
                {
                    return into.Version;
                }
            }

            spin.SpinOnce(); // a write is in progress (a few hundred ns): yield and copy again
        }
    }

    private struct OrderCopier(SnapshotOrder[] target) : IOrderVisitor
    {
        public int Count;

        public void Visit(ref OrderRecord order)
        {
            if (Count < target.Length)
            {
                target[Count++] = new SnapshotOrder
                {
                    ClientOrderId = order.ClientOrderId,
                    SymbolId = order.SymbolId,
                    Side = order.Side,
                    Status = order.Status,
                    Quantity = order.Quantity,
                    FilledQuantity = order.FilledQuantity,
                    LimitRaw = order.LimitRaw,
                    Origin = order.Origin,
                    SourceId = order.SourceId,
                    SignalId = order.SignalId,
                };
            }
        }
    }
}

/// <summary>A reader's own copy of an <see cref="EngineSnapshot"/> (reuse it to read without allocating).</summary>
public sealed class SnapshotCopy
{
    public long[] Quantity { get; private set; } = [];

    public long[] AvgCostRaw { get; private set; } = [];

    public long[] LastRaw { get; private set; } = [];

    public long[] UnrealizedRaw { get; private set; } = [];

    public long[] RealizedRaw { get; private set; } = [];

    public SnapshotOrder[] Orders { get; private set; } = [];

    public int OrderCount { get; internal set; }

    public long CashRaw { get; internal set; }

    /// <summary>Cash per currency id of the portfolio's <see cref="Currencies"/> (index 0 = the base, <see cref="CashRaw"/>).</summary>
    public long[] CashRawByCurrency { get; private set; } = [];

    public long EquityRaw { get; internal set; }

    public bool KillSwitch { get; internal set; }

    public long EventTimeNs { get; internal set; }

    public long Version { get; internal set; }

    internal void Ensure(int symbols, int orders, int currencies = 1)
    {
        if (CashRawByCurrency.Length != currencies)
        {
            CashRawByCurrency = new long[currencies];
        }

        if (Quantity.Length != symbols)
        {
            Quantity = new long[symbols];
            AvgCostRaw = new long[symbols];
            LastRaw = new long[symbols];
            UnrealizedRaw = new long[symbols];
            RealizedRaw = new long[symbols];
        }

        if (Orders.Length != orders)
        {
            Orders = new SnapshotOrder[orders];
        }
    }
}
