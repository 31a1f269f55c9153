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
/// Written only by the order manager's thread. Position quantities and cash are written with
/// release semantics so snapshot readers (display, protective exits on another thread) see
/// whole values.
/// </remarks>
public sealed class Portfolio
{
    private readonly MarketState _market;
    private readonly long[] _quantity;
    private readonly long[] _avgCostRaw;
    private readonly long[] _realizedRaw;
    private readonly long[] _costRaw; // signed: Σ quantity × entry price of the open position
    private long _cashRaw;
    private long _commissionRaw;

    public Portfolio(MarketState market, long startingCashRaw)
    {
        _market = market;
        int n = market.SymbolCount;
        _quantity = new long[n];
        _avgCostRaw = new long[n];
        _realizedRaw = new long[n];
        _costRaw = new long[n];
        _cashRaw = startingCashRaw;
        StartingCashRaw = startingCashRaw;
    }

    public long StartingCashRaw { get; }

    public int SymbolCount => _quantity.Length;

    public long CashRaw => Volatile.Read(ref _cashRaw);

    public long CommissionRaw => _commissionRaw;

    /// <summary>Signed position: positive long, negative short.</summary>
    public long Quantity(int symbolId) => Volatile.Read(ref _quantity[symbolId]);

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
        long qty = Quantity(symbolId);
        long last = _market.LastRaw(symbolId);
        if (qty == 0 || last == 0)
        {
            return 0;
        }

        return FixedPoint.SaturatingNotional(last, qty) - _costRaw[symbolId];
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
        return FixedPoint.SaturatingNotional(last != 0 ? last : AvgCostRaw(symbolId), qty);
    }

    /// <summary>Cash plus every position at its last price.</summary>
    public long EquityRaw
    {
        get
        {
            long equity = CashRaw;
            for (int i = 0; i < _quantity.Length; i++)
            {
                equity += PositionValueRaw(i);
            }

            return equity;
        }
    }

    /// <summary>Sets cash to the broker's figure (a reconciliation; fees and interest the fills did not carry).</summary>
    public void SetCash(long cashRaw) => Volatile.Write(ref _cashRaw, cashRaw);

    /// <summary>Adds <paramref name="deltaRaw"/> to cash (a reconciliation's measured difference; the trading thread is the only writer).</summary>
    public void AdjustCash(long deltaRaw) => Volatile.Write(ref _cashRaw, _cashRaw + deltaRaw);

    /// <summary>Applies one fill: cash, commission, position, cost basis, realized P&amp;L.</summary>
    public void ApplyFill(int symbolId, Side side, long fillQuantity, long priceRaw, long commissionRaw)
    {
        long signed = side == Side.Buy ? fillQuantity : -fillQuantity;
        long position = _quantity[symbolId];
        long cost = _costRaw[symbolId];
        long notional = FixedPoint.Notional(priceRaw, fillQuantity);

        long cash = (side == Side.Buy ? _cashRaw - notional : _cashRaw + notional) - commissionRaw;
        _commissionRaw += commissionRaw;

        long newPosition = position + signed;
        if (position == 0 || Math.Sign(position) == Math.Sign(signed))
        {
            cost += side == Side.Buy ? notional : -notional; // opening or adding: exact
        }
        else
        {
            // Closing c shares removes their share of the cost basis (one truncation, never
            // compounded: the remaining basis is exactly what is left).
            long closing = Math.Min(Math.Abs(position), fillQuantity);
            long removed = (long)((Int128)cost * closing / Math.Abs(position));
            long closeFlow = FixedPoint.Notional(priceRaw, closing);
            _realizedRaw[symbolId] += (position > 0 ? closeFlow : -closeFlow) - removed;
            cost -= removed;
            if (Math.Sign(newPosition) == -Math.Sign(position))
            {
                // Reversed: the remainder is a new position at this price.
                long remainder = Math.Abs(newPosition);
                cost = newPosition > 0 ? FixedPoint.Notional(priceRaw, remainder) : -FixedPoint.Notional(priceRaw, remainder);
            }
        }

        _costRaw[symbolId] = cost;
        long average = newPosition == 0 ? 0 : Math.Abs(cost) / Math.Abs(newPosition);

        // Release writes: snapshot readers see whole, consistent-enough values.
        Volatile.Write(ref _avgCostRaw[symbolId], average);
        Volatile.Write(ref _quantity[symbolId], newPosition);
        Volatile.Write(ref _cashRaw, cash);
    }

    /// <summary>Writes the state (checkpoint).</summary>
    internal void WriteState(ref StateWriter w)
    {
        w.Int64s(_quantity);
        w.Int64s(_avgCostRaw);
        w.Int64s(_realizedRaw);
        w.Int64s(_costRaw);
        w.Int64(_cashRaw);
        w.Int64(_commissionRaw);
    }

    /// <summary>Restores the state <see cref="WriteState"/> wrote (recovery, before any event).</summary>
    internal void ReadState(ref StateReader r)
    {
        r.Int64s(_quantity);
        r.Int64s(_avgCostRaw);
        r.Int64s(_realizedRaw);
        r.Int64s(_costRaw);
        _cashRaw = r.Int64();
        _commissionRaw = r.Int64();
    }
}
