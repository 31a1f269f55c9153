using Orchestrator.Core;
using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Engine.State;

/// <summary>
/// Accountability per agent: for each signal source (the interned source name,
/// <see cref="TradingEngine.Sources"/> — an external agent, a strategy, or the built-in sources
/// "rules", "exits" and "operator") the signals it sent, the orders they became, the fills of those
/// orders, its refusals by <see cref="RejectReason"/>, and per symbol its own position, cost basis
/// and realized P&amp;L in fixed point (the account's rule, <see cref="PositionMath"/>), valued at
/// <see cref="MarketState"/>'s last price for unrealized P&amp;L.
/// </summary>
/// <remarks>
/// <para>Written only by the trading thread (risk, sizing and the order manager share it), without
/// allocating: every array is sized at construction. Bounded: the first <see cref="Capacity"/> − 1
/// sources get a slot each, in the order they are first seen (so journal replay assigns the same
/// slots); every later source is lumped into one last slot named <see cref="OtherName"/>.</para>
/// <para>An agent's position is what its own orders filled; the account's position is their sum
/// (protective exits trade the account's whole position and are their own source, "exits", so the
/// agents' positions plus the exits' add up to the account's).</para>
/// <para>Slow-path readers copy it through a sequence lock (<see cref="Read"/>): each update makes
/// the sequence odd, writes, and makes it even again (two interlocked increments per signal, order
/// or fill — never per tick); a reader that overlaps a write copies again. Readers copy only the
/// slots in use.</para>
/// </remarks>
public sealed class AgentBook
{
    /// <summary>Slots by default: 63 named sources and the "other" slot.</summary>
    public const int DefaultCapacity = 64;

    /// <summary>Name of the last slot, where sources past the first <see cref="Capacity"/> − 1 are counted.</summary>
    public const string OtherName = "other";

    /// <summary>Characters of a source name a snapshot keeps: the edges' limit for a source name (a longer one restores as no source).</summary>
    public const int MaxNameChars = SignalLimits.MaxSourceLength;

    /// <summary>Entries per slot in the rejects table: one per <see cref="RejectReason"/> value.</summary>
    public static readonly int ReasonCount = Enum.GetValues<RejectReason>().Length;

    private readonly TextInterner _sources;
    private readonly MarketState _market;
    private readonly int _symbols;
    private readonly int[] _slotOfSource; // source id -> slot + 1 (0 = none yet)
    private readonly int[] _sourceOfSlot; // slot -> source id
    private readonly long[] _signals;
    private readonly long[] _orders;
    private readonly long[] _fills;
    private readonly long[] _commissionRaw;
    private readonly long[] _rejects; // [slot * ReasonCount + reason]
    private readonly long[] _quantity; // [slot * symbols + symbol], signed
    private readonly long[] _costRaw; // signed cost basis of the open position
    private readonly long[] _realizedRaw;
    private long _sequence; // even: stable; odd: being written
    private int _used; // named slots assigned
    private bool _otherUsed;

    public AgentBook(TextInterner sources, MarketState market, int capacity = DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(market);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        _sources = sources;
        _market = market;
        _symbols = market.SymbolCount;
        Capacity = capacity;
        _slotOfSource = new int[sources.Capacity];
        _sourceOfSlot = new int[capacity];
        _signals = new long[capacity];
        _orders = new long[capacity];
        _fills = new long[capacity];
        _commissionRaw = new long[capacity];
        _rejects = new long[capacity * ReasonCount];
        _quantity = new long[capacity * _symbols];
        _costRaw = new long[capacity * _symbols];
        _realizedRaw = new long[capacity * _symbols];
        Units = QuantityUnits.Whole(_symbols);
    }

    /// <summary>Slots, the "other" slot included.</summary>
    public int Capacity { get; }

    /// <summary>Each symbol's quantity unit (issue 19; set by the engine before any event; default whole shares).</summary>
    public QuantityUnits Units { get; init; }

    public int SymbolCount => _symbols;

    /// <summary>
    /// Trading thread: one decided signal or intent of <paramref name="sourceId"/> — counts the
    /// signal and its outcome: a refusal by <paramref name="reject"/>, or an order when
    /// <paramref name="ordered"/>.
    /// </summary>
    public void OnDecided(int sourceId, RejectReason reject, bool ordered)
    {
        int slot = SlotFor(sourceId);
        Interlocked.Increment(ref _sequence); // seqlock writer: odd, full fence before the data
        _signals[slot]++;
        if (reject != RejectReason.None)
        {
            _rejects[(slot * ReasonCount) + (int)reject]++;
        }
        else if (ordered)
        {
            _orders[slot]++;
        }

        Interlocked.Increment(ref _sequence); // even: full fence after the data
    }

    /// <summary>Trading thread: an order of <paramref name="sourceId"/> sent outside a signal (the operator's flatten).</summary>
    public void OnOrder(int sourceId)
    {
        int slot = SlotFor(sourceId);
        Interlocked.Increment(ref _sequence); // seqlock writer: odd, full fence before the data
        _orders[slot]++;
        Interlocked.Increment(ref _sequence); // even: full fence after the data
    }

    /// <summary>Trading thread: a refusal of <paramref name="sourceId"/>'s order after its signal was counted (e.g. the broker rejected it).</summary>
    public void OnReject(int sourceId, RejectReason reason)
    {
        int slot = SlotFor(sourceId);
        Interlocked.Increment(ref _sequence); // seqlock writer: odd, full fence before the data
        _rejects[(slot * ReasonCount) + (int)reason]++;
        Interlocked.Increment(ref _sequence); // even: full fence after the data
    }

    /// <summary>Trading thread: a fill (partial or final) of an order of <paramref name="sourceId"/>, applied to its own position.</summary>
    public void OnFill(int sourceId, int symbolId, Side side, long fillQuantity, long priceRaw, long commissionRaw)
    {
        if ((uint)symbolId >= (uint)_symbols)
        {
            return;
        }

        int slot = SlotFor(sourceId);
        int at = (slot * _symbols) + symbolId;
        long position = _quantity[at];
        long cost = _costRaw[at];
        long unitsPerShare = Units.PerShare(symbolId);
        long realized = PositionMath.ApplyFill(ref position, ref cost, side, fillQuantity, priceRaw, Quantities.Notional(priceRaw, fillQuantity, unitsPerShare), unitsPerShare);
        Interlocked.Increment(ref _sequence); // seqlock writer: odd, full fence before the data
        _fills[slot]++;
        _commissionRaw[slot] += commissionRaw;
        _quantity[at] = position;
        _costRaw[at] = cost;
        _realizedRaw[at] += realized;
        Interlocked.Increment(ref _sequence); // even: full fence after the data
    }

    /// <summary>Trading thread: <paramref name="sourceId"/>'s own signed position in the symbol (0 for a source not seen yet).</summary>
    public long Position(int sourceId, int symbolId)
    {
        int slot = (uint)sourceId < (uint)_slotOfSource.Length ? _slotOfSource[sourceId] - 1 : -1;
        return slot < 0 || (uint)symbolId >= (uint)_symbols ? 0 : _quantity[(slot * _symbols) + symbolId];
    }

    /// <summary>Every slot as figures in decimal money, each with its kind (slow path: allocates a copy).</summary>
    public IReadOnlyList<AgentFigures> Figures(SymbolTable symbols, AgentKinds? kinds = null)
    {
        var copy = new AgentBookCopy();
        Read(copy);
        return copy.Figures(symbols, kinds);
    }

    /// <summary>
    /// Copies a consistent picture into <paramref name="into"/> (any thread; allocates only when
    /// <paramref name="into"/> must grow or a slot's name is new to it). Returns the number of slots copied.
    /// </summary>
    public int Read(AgentBookCopy into)
    {
        ArgumentNullException.ThrowIfNull(into);
        into.Ensure(Capacity, _symbols, Units);
        var spin = default(SpinWait);
        while (true)
        {
            long before = Volatile.Read(ref _sequence);
            if ((before & 1) == 0)
            {
                int used = Volatile.Read(ref _used);
                bool other = Volatile.Read(ref _otherUsed);
                int count = 0;
                for (int slot = 0; slot < used; slot++)
                {
                    CopySlot(into, count++, slot);
                }

                if (other)
                {
                    CopySlot(into, count++, Capacity - 1);
                }

                into.Count = count;
                Interlocked.MemoryBarrier(); // the copies above complete before the sequence is re-read
                if (Volatile.Read(ref _sequence) == before)
                {
                    for (int s = 0; s < _symbols; s++)
                    {
                        into.LastRaw[s] = _market.LastRaw(s); // the marks: acquire reads, outside the book's lock
                    }

                    for (int i = 0; i < count; i++)
                    {
                        into.ResolveName(i, _sources);
                    }

                    return count;
                }
            }

            spin.SpinOnce(); // a write is in progress (tens of ns): yield and copy again
        }
    }

    private void CopySlot(AgentBookCopy into, int index, int slot)
    {
        into.SourceIds[index] = slot == Capacity - 1 ? -1 : _sourceOfSlot[slot];
        into.Signals[index] = _signals[slot];
        into.Orders[index] = _orders[slot];
        into.Fills[index] = _fills[slot];
        into.CommissionRaw[index] = _commissionRaw[slot];
        Array.Copy(_rejects, slot * ReasonCount, into.Rejects, index * ReasonCount, ReasonCount);
        Array.Copy(_quantity, slot * _symbols, into.Quantity, index * _symbols, _symbols);
        Array.Copy(_costRaw, slot * _symbols, into.CostRaw, index * _symbols, _symbols);
        Array.Copy(_realizedRaw, slot * _symbols, into.RealizedRaw, index * _symbols, _symbols);
    }

    /// <summary>The slot of <paramref name="sourceId"/>, assigned on first sight (trading thread).</summary>
    private int SlotFor(int sourceId)
    {
        if ((uint)sourceId >= (uint)_slotOfSource.Length)
        {
            return OtherSlot();
        }

        int slot = _slotOfSource[sourceId] - 1;
        if (slot >= 0)
        {
            return slot;
        }

        if (_used == Capacity - 1)
        {
            return OtherSlot();
        }

        slot = _used;
        _slotOfSource[sourceId] = slot + 1;
        _sourceOfSlot[slot] = sourceId;
        // Release write: a reader that sees the new count sees the slot's source id written before it.
        Volatile.Write(ref _used, slot + 1);
        return slot;
    }

    private int OtherSlot()
    {
        if (!_otherUsed)
        {
            Volatile.Write(ref _otherUsed, true); // release: a reader sees the flag after the slot was cleared (it always is)
        }

        return Capacity - 1;
    }

    /// <summary>Writes the book (checkpoint, trading thread; part of the order manager's section). Names go as fixed-size text: ids are per process.</summary>
    internal void WriteState(ref StateWriter w)
    {
        w.Int32(_used);
        w.Bool(_otherUsed);
        for (int slot = 0; slot < Capacity - 1; slot++)
        {
            string name = slot < _used ? _sources.Get(_sourceOfSlot[slot]) : string.Empty;
            w.Text(name.Length <= MaxNameChars ? name : default, MaxNameChars);
        }

        w.Int64s(_signals);
        w.Int64s(_orders);
        w.Int64s(_fills);
        w.Int64s(_commissionRaw);
        w.Int64s(_rejects);
        w.Int64s(_quantity);
        w.Int64s(_costRaw);
        w.Int64s(_realizedRaw);
    }

    /// <summary>Restores what <see cref="WriteState"/> wrote (recovery, before any event): each slot's name is interned again in this process.</summary>
    internal void ReadState(ref StateReader r)
    {
        _used = r.Int32();
        _otherUsed = r.Bool();
        string[] names = new string[Capacity - 1];
        for (int slot = 0; slot < names.Length; slot++)
        {
            names[slot] = r.Text(MaxNameChars);
        }

        r.Int64s(_signals);
        r.Int64s(_orders);
        r.Int64s(_fills);
        r.Int64s(_commissionRaw);
        r.Int64s(_rejects);
        r.Int64s(_quantity);
        r.Int64s(_costRaw);
        r.Int64s(_realizedRaw);
        Array.Clear(_slotOfSource);
        for (int slot = 0; slot < _used; slot++)
        {
            int sourceId = _sources.Intern(names[slot]); // the name this slot had; an empty one (none, or too long to keep) is id 0
            _slotOfSource[sourceId] = slot + 1;
            _sourceOfSlot[slot] = sourceId;
        }
    }
}
