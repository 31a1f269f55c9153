using Orchestrator.Core;
using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Engine.State;

/// <summary>
/// Cash, positions, cost basis and P&amp;L, in fixed point. Fills move it; marks (last prices)
/// come from <see cref="MarketState"/>. The cost basis of the open position is kept exactly;
/// a reduction removes the closed shares' pro-rata share of it (one truncation to the raw
/// unit, never compounded), so realized + unrealized − commissions equals the change in
/// equity exactly. Average cost is derived (basis / quantity) for display and exits; a
/// reversal opens the remainder at the fill price.
/// </summary>
/// <remarks>
/// <para>Written only by the trading thread. Position quantities, cash and equity are written with
/// release semantics so snapshot readers (display, protective exits on another thread) see
/// whole values.</para>
/// <para><b>Equity is kept incrementally</b> (issue 16): each symbol's value at its mark is held,
/// and their sum moves by the difference whenever a fill, a mark (<see cref="Mark"/>) or a cash
/// change touches it, so <see cref="EquityRaw"/> is one read instead of a walk of every symbol.
/// The sum wraps exactly as the walk's unchecked additions did, so it equals the walk bit for bit.
/// The marks are the trading thread's own copy of the last trade price, set from the events it
/// processes (the risk manager, the first trading stage, marks each trade and bar), so a
/// pipelined signal engine running ahead cannot move equity under a decision. None of this is in
/// a snapshot: it is derived on load (<see cref="ReadState"/> revalues from the restored market
/// state), so the snapshot layout is unchanged.</para>
/// <para><b>Money per currency</b> (issue 19): cash, commission, positions' value and short exposure are
/// kept per currency of <see cref="Currencies"/> (id 0 = the base); a fill moves its symbol's currency
/// only. <see cref="EquityRaw"/> is in the base currency: each currency's cash plus positions converted at
/// its FX rate. <see cref="CashRaw"/> is the base currency's cash (what the cash commands set and adjust).
/// With one currency (no FX rates) every figure is what it was before, bit for bit.</para>
/// </remarks>
public sealed class Portfolio
{
    private readonly MarketState _market;
    private readonly long[] _quantity;
    private readonly long[] _avgCostRaw;
    private readonly long[] _realizedRaw;
    private readonly long[] _costRaw; // signed: Σ quantity × entry price of the open position
    private readonly long[] _markRaw; // last trade price as the trading thread has seen it; 0 = none
    private readonly long[] _valueRaw; // quantity × (mark, or average cost without one), saturated
    private readonly long[] _cashRaw; // per currency
    private readonly long[] _startingCashRaw; // per currency
    private readonly long[] _commissionRaw; // per currency
    private readonly long[] _positionsValueRaw; // per currency: Σ _valueRaw, wrapping as the walk's unchecked sum did
    private readonly long[] _shortValueRaw; // per currency: Σ of the negative _valueRaw (shorts at their mark), ≤ 0
    private long _equityRaw; // base currency: Σ (cash + positions value) at the FX rates; one release write per change

    /// <param name="market">The market state whose last prices mark the positions.</param>
    /// <param name="startingCashRaw">Cash in the base currency at the start.</param>
    /// <param name="currencies">The account's currencies; null = one (the base) for every symbol.</param>
    /// <param name="startingCashByCurrency">Cash at the start in other currencies, by currency id (index 0 is ignored: <paramref name="startingCashRaw"/>).</param>
    /// <param name="units">Each symbol's quantity unit; null = whole shares for every symbol.</param>
    public Portfolio(MarketState market, long startingCashRaw, Currencies? currencies = null, IReadOnlyList<long>? startingCashByCurrency = null, QuantityUnits? units = null)
    {
        _market = market;
        int n = market.SymbolCount;
        Currencies = currencies ?? Currencies.Single("USD", n);
        Units = units ?? QuantityUnits.Whole(n);
        int m = Currencies.Count;
        _quantity = new long[n];
        _avgCostRaw = new long[n];
        _realizedRaw = new long[n];
        _costRaw = new long[n];
        _markRaw = new long[n];
        _valueRaw = new long[n];
        _cashRaw = new long[m];
        _commissionRaw = new long[m];
        _positionsValueRaw = new long[m];
        _shortValueRaw = new long[m];
        _cashRaw[Currencies.Base] = startingCashRaw;
        for (int c = 1; c < m && startingCashByCurrency is not null && c < startingCashByCurrency.Count; c++)
        {
            _cashRaw[c] = startingCashByCurrency[c];
        }

        StartingCashRaw = startingCashRaw;
        _startingCashRaw = [.. _cashRaw];
        PublishEquity();
        StartingEquityRaw = _equityRaw;
    }

    /// <summary>Cash in the base currency at the start.</summary>
    public long StartingCashRaw { get; }

    /// <summary>Cash at the start in currency <paramref name="currencyId"/> (the base's is <see cref="StartingCashRaw"/>).</summary>
    public long StartingCashRawOf(int currencyId) => _startingCashRaw[currencyId];

    /// <summary>Equity in the base currency at the start: every currency's starting cash at its FX rate (= <see cref="StartingCashRaw"/> with one currency).</summary>
    public long StartingEquityRaw { get; }

    /// <summary>The account's currencies and each symbol's.</summary>
    public Currencies Currencies { get; }

    /// <summary>Each symbol's quantity unit (issue 19): quantities here are in it; every price × quantity goes through it.</summary>
    public QuantityUnits Units { get; }

    public int SymbolCount => _quantity.Length;

    /// <summary>Cash in the base currency.</summary>
    public long CashRaw => Volatile.Read(ref _cashRaw[Currencies.Base]);

    /// <summary>Cash in currency <paramref name="currencyId"/>.</summary>
    public long CashRawOf(int currencyId) => Volatile.Read(ref _cashRaw[currencyId]);

    /// <summary>Commission paid in the base currency.</summary>
    public long CommissionRaw => _commissionRaw[Currencies.Base];

    /// <summary>Commission paid in currency <paramref name="currencyId"/>.</summary>
    public long CommissionRawOf(int currencyId) => _commissionRaw[currencyId];

    /// <summary>Short positions of currency <paramref name="currencyId"/> at their marks, as a positive amount (0 without shorts).</summary>
    public long ShortExposureRaw(int currencyId) => -_shortValueRaw[currencyId];

    /// <summary>Cash plus positions at their marks in currency <paramref name="currencyId"/>, in that currency.</summary>
    public long EquityRawOf(int currencyId) => _cashRaw[currencyId] + _positionsValueRaw[currencyId];

    /// <summary>Realized P&amp;L of the symbols kept in currency <paramref name="currencyId"/>, in that currency.</summary>
    public long RealizedRawOf(int currencyId)
    {
        long total = 0;
        for (int i = 0; i < _realizedRaw.Length; i++)
        {
            total += Currencies.Of(i) == currencyId ? _realizedRaw[i] : 0;
        }

        return total;
    }

    /// <summary>Unrealized P&amp;L of the symbols kept in currency <paramref name="currencyId"/>, in that currency.</summary>
    public long UnrealizedRawOf(int currencyId)
    {
        long total = 0;
        for (int i = 0; i < _quantity.Length; i++)
        {
            total += Currencies.Of(i) == currencyId ? UnrealizedRaw(i) : 0;
        }

        return total;
    }

    /// <summary>Signed position: positive long, negative short.</summary>
    public long Quantity(int symbolId) => Volatile.Read(ref _quantity[symbolId]);

    /// <summary>The symbol's last trade price as the trading thread has seen it (<see cref="Mark"/>); 0 = none yet.</summary>
    public long MarkRaw(int symbolId) => _markRaw[symbolId];

    public long AvgCostRaw(int symbolId) => Volatile.Read(ref _avgCostRaw[symbolId]);

    public long RealizedRaw(int symbolId) => _realizedRaw[symbolId];

    public long TotalRealizedRaw
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _realizedRaw.Length; i++)
            {
                total += _realizedRaw[i];
            }

            return total;
        }
    }

    /// <summary>Quantity × last − cost basis for one symbol; 0 without a mark.</summary>
    public long UnrealizedRaw(int symbolId)
    {
        return PositionMath.Unrealized(Quantity(symbolId), _costRaw[symbolId], _market.LastRaw(symbolId), Units.PerShare(symbolId));
    }

    public long TotalUnrealizedRaw
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _quantity.Length; i++)
            {
                total += UnrealizedRaw(i);
            }

            return total;
        }
    }

    /// <summary>Market value of one position at the last price (average cost without a mark).</summary>
    public long PositionValueRaw(int symbolId)
    {
        long qty = Quantity(symbolId);
        if (qty == 0)
        {
            return 0;
        }

        long last = _market.LastRaw(symbolId);
        return Units.SaturatingNotional(symbolId, last != 0 ? last : AvgCostRaw(symbolId), qty);
    }

    /// <summary>Cash plus every position at its mark (average cost without one): one read, kept incrementally.</summary>
    public long EquityRaw => Volatile.Read(ref _equityRaw);

    /// <summary>
    /// A trade or bar at <paramref name="priceRaw"/> for the symbol (trading thread, before any
    /// decision on the event): revalues that one position. The same price the signal engine wrote
    /// to <see cref="MarketState"/> for this event.
    /// </summary>
    public void Mark(int symbolId, long priceRaw)
    {
        _markRaw[symbolId] = priceRaw;
        if (_quantity[symbolId] != 0) // flat: its value is 0 at any mark
        {
            Revalue(symbolId);
        }
    }

    /// <summary>Sets the base currency's cash to the broker's figure (a reconciliation; fees and interest the fills did not carry).</summary>
    public void SetCash(long cashRaw)
    {
        Volatile.Write(ref _cashRaw[Currencies.Base], cashRaw);
        PublishEquity();
    }

    /// <summary>Adds <paramref name="deltaRaw"/> to the base currency's cash (a reconciliation's measured difference; the trading thread is the only writer).</summary>
    public void AdjustCash(long deltaRaw)
    {
        Volatile.Write(ref _cashRaw[Currencies.Base], _cashRaw[Currencies.Base] + deltaRaw);
        PublishEquity();
    }

    /// <summary>Adds <paramref name="deltaRaw"/> to currency <paramref name="currencyId"/>'s cash (a reconciliation's measured difference in that currency; trading thread only).</summary>
    public void AdjustCashOf(int currencyId, long deltaRaw)
    {
        Volatile.Write(ref _cashRaw[currencyId], _cashRaw[currencyId] + deltaRaw);
        PublishEquity();
    }

    /// <summary>Applies one fill: cash and commission in the symbol's currency, position, cost basis, realized P&amp;L.</summary>
    public void ApplyFill(int symbolId, Side side, long fillQuantity, long priceRaw, long commissionRaw)
    {
        long position = _quantity[symbolId];
        long cost = _costRaw[symbolId];
        long unitsPerShare = Units.PerShare(symbolId);
        long notional = Quantities.Notional(priceRaw, fillQuantity, unitsPerShare);
        int currency = Currencies.Of(symbolId);

        long cash = (side == Side.Buy ? _cashRaw[currency] - notional : _cashRaw[currency] + notional) - commissionRaw;
        _commissionRaw[currency] += commissionRaw;
        _realizedRaw[symbolId] += PositionMath.ApplyFill(ref position, ref cost, side, fillQuantity, priceRaw, notional, unitsPerShare);
        _costRaw[symbolId] = cost;
        long average = PositionMath.AverageCost(position, cost, unitsPerShare);

        // Release writes: snapshot readers see whole, consistent-enough values.
        Volatile.Write(ref _avgCostRaw[symbolId], average);
        Volatile.Write(ref _quantity[symbolId], position);
        Volatile.Write(ref _cashRaw[currency], cash);
        Revalue(symbolId);
    }

    /// <summary>Writes the state (checkpoint).</summary>
    internal void WriteState(ref StateWriter w)
    {
        w.Int64s(_quantity);
        w.Int64s(_avgCostRaw);
        w.Int64s(_realizedRaw);
        w.Int64s(_costRaw);
        w.Int64s(_cashRaw); // one per currency: with one currency the 8 bytes of the single figure before issue 19
        w.Int64s(_commissionRaw);
    }

    /// <summary>Restores the state <see cref="WriteState"/> wrote (recovery, before any event).</summary>
    internal void ReadState(ref StateReader r)
    {
        r.Int64s(_quantity);
        r.Int64s(_avgCostRaw);
        r.Int64s(_realizedRaw);
        r.Int64s(_costRaw);
        r.Int64s(_cashRaw);
        r.Int64s(_commissionRaw);
        RevalueAll();
    }

    /// <summary>
    /// Derives the marks and the equity sum from the restored market state (recovery: the signal
    /// engine's section, which holds the market state, is restored before this one).
    /// </summary>
    private void RevalueAll()
    {
        Array.Clear(_positionsValueRaw);
        Array.Clear(_shortValueRaw);
        for (int i = 0; i < _quantity.Length; i++)
        {
            _markRaw[i] = _market.LastRaw(i);
            _valueRaw[i] = ValueAtMark(i);
            _positionsValueRaw[Currencies.Of(i)] += _valueRaw[i];
            _shortValueRaw[Currencies.Of(i)] += Math.Min(0, _valueRaw[i]);
        }

        PublishEquity();
    }

    /// <summary>Moves the positions' sum by the change in one symbol's value, then publishes equity.</summary>
    private void Revalue(int symbolId)
    {
        long value = ValueAtMark(symbolId);
        int currency = Currencies.Of(symbolId);
        _positionsValueRaw[currency] += value - _valueRaw[symbolId]; // wraps like the walk's sum: exact modulo 2^64
        _shortValueRaw[currency] += Math.Min(0, value) - Math.Min(0, _valueRaw[symbolId]);
        _valueRaw[symbolId] = value;
        PublishEquity();
    }

    /// <summary>What the walk added for the symbol: quantity × (mark, or average cost without one), saturated.</summary>
    private long ValueAtMark(int symbolId)
    {
        long qty = _quantity[symbolId];
        if (qty == 0)
        {
            return 0;
        }

        long mark = _markRaw[symbolId];
        return Units.SaturatingNotional(symbolId, mark != 0 ? mark : _avgCostRaw[symbolId], qty);
    }

    // Release write: a reader on another thread sees one whole figure, never cash from one fill and positions from another.
    private void PublishEquity()
    {
        long equity = _cashRaw[Currencies.Base] + _positionsValueRaw[Currencies.Base];
        for (int c = 1; c < _cashRaw.Length; c++)
        {
            equity += Currencies.ToBase(_cashRaw[c] + _positionsValueRaw[c], c);
        }

        Volatile.Write(ref _equityRaw, equity);
    }
}
