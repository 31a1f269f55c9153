using System.Runtime.CompilerServices;
using Orchestrator.Core;

namespace Orchestrator.Backtest;

/// <summary>
/// Replays one symbol's fills into round trips, by the average-cost method: the cost basis of
/// the open position grows by price × quantity on each fill that adds to it; a fill that reduces
/// it removes the same fraction of the basis (truncated to the fixed-point scale, as the engine's
/// <c>Portfolio</c> does, so the gross figures agree with it; the last share takes whatever is
/// left, so a closed trade's gross P&amp;L is exactly exit notional − entry notional) and realizes
/// proceeds − removed cost (reversed for a short). Every commission is subtracted from the trade
/// it was charged in.
/// </summary>
internal sealed class SymbolLedger
{
    private readonly List<RoundTripTrade> _trades = [];
    private readonly List<long> _entryTimes = [];

    // The open position (signed shares: a fractional symbol's units as shares, issue 19) and the absolute cost of it.
    private decimal _position;
    private decimal _costBasis;

    // The round trip in progress (meaningful while _position != 0).
    private TradeDirection _direction;
    private long _entryTsNs;
    private decimal _peakQuantity;
    private decimal _entryQuantity;
    private decimal _entryNotional;
    private decimal _exitQuantity;
    private decimal _exitNotional;
    private decimal _tradeFees;
    private decimal _tradeRealized;
    private int _tradeFills;

    public SymbolLedger(string symbol) => Symbol = symbol;

    /// <summary>The symbol.</summary>
    public string Symbol { get; }

    /// <summary>The round trips so far, in entry order (each starts when the one before it ended).</summary>
    public IReadOnlyList<RoundTripTrade> Trades => _trades;

    /// <summary>The entry time of each of <see cref="Trades"/> (the report's merge reads these, not every trade object).</summary>
    public IReadOnlyList<long> EntryTimes => _entryTimes;

    /// <summary>Signed shares held after the fills applied so far.</summary>
    public decimal Position => _position;

    /// <summary>Realized P&amp;L net of fees over every fill applied.</summary>
    public decimal RealizedPnl { get; private set; }

    /// <summary>Commissions over every fill applied.</summary>
    public decimal Fees { get; private set; }

    /// <summary>Closed round trips so far; of them, those with P&amp;L &gt; 0 and &lt; 0.</summary>
    public int ClosedTrades { get; private set; }

    /// <inheritdoc cref="ClosedTrades"/>
    public int WinningTrades { get; private set; }

    /// <inheritdoc cref="ClosedTrades"/>
    public int LosingTrades { get; private set; }

    /// <summary>Σ P&amp;L of the winning closed trades, and −Σ of the losing ones (in the symbol's currency).</summary>
    public decimal GrossProfit { get; private set; }

    /// <inheritdoc cref="GrossProfit"/>
    public decimal GrossLoss { get; private set; }

    /// <summary>Applies one fill (fills in time order); a trade it closes is appended to <see cref="Trades"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(in FillRecord fill)
    {
        if (fill.Quantity <= 0 || (fill.Side != Side.Buy && fill.Side != Side.Sell))
        {
            throw new ArgumentException($"Fill {fill.ClientOrderId} in {fill.Symbol}: side {fill.Side}, quantity {fill.Quantity}.", nameof(fill));
        }

        decimal price = ToDecimal(fill.PriceRaw);
        decimal commission = ToDecimal(fill.CommissionRaw);
        decimal shares = Quantities.ToDecimal(fill.Quantity, fill.QuantityDecimals); // a fill's units as shares (issue 19)
        decimal signed = fill.Side == Side.Buy ? shares : -shares;

        if (_position == 0)
        {
            Open(fill.TsNs, signed, price, commission);
            return;
        }

        if (Math.Sign(signed) == Math.Sign(_position))
        {
            Add(signed, price, commission);
            return;
        }

        decimal held = Math.Abs(_position);
        if (shares <= held)
        {
            Reduce(shares, price, commission);
            if (_position == 0)
            {
                _trades.Add(Snapshot(fill.TsNs));
            }

            return;
        }

        // A flip: close what is held, open the rest the other way; the commission is split by
        // quantity, the opening part taking the remainder so the two add up exactly.
        decimal closingCommission = decimal.Round(commission * held / shares, FixedPoint.Decimals, MidpointRounding.AwayFromZero);
        Reduce(held, price, closingCommission);
        _trades.Add(Snapshot(fill.TsNs));
        Open(fill.TsNs, signed > 0 ? shares - held : -(shares - held), price, commission - closingCommission);
    }

    /// <summary>
    /// <see cref="FixedPoint.ToDecimal(long)"/> without its decimal division: the same decimal, bit for bit
    /// (the exact quotient at the smallest scale that holds it, as the division gives; pinned by a test).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static decimal ToDecimal(long raw)
    {
        byte scale = FixedPoint.Decimals;
        ulong magnitude = raw < 0 ? 0UL - (ulong)raw : (ulong)raw;
        while (scale > 0 && magnitude % 10 == 0)
        {
            magnitude /= 10;
            scale--;
        }

        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, raw < 0, scale);
    }

    /// <summary>Appends the round trip still open, if any.</summary>
    public void Finish()
    {
        if (_position != 0)
        {
            _trades.Add(Snapshot(null));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Open(long tsNs, decimal signed, decimal price, decimal commission)
    {
        decimal quantity = Math.Abs(signed);
        decimal notional = price * quantity;
        _position = signed;
        _costBasis = notional;
        _direction = signed > 0 ? TradeDirection.Long : TradeDirection.Short;
        _entryTsNs = tsNs;
        _peakQuantity = quantity;
        _entryQuantity = quantity;
        _entryNotional = notional;
        _exitQuantity = 0;
        _exitNotional = 0;
        _tradeFees = commission;
        _tradeRealized = -commission;
        _tradeFills = 1;
        Fees += commission;
        RealizedPnl -= commission;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Add(decimal signed, decimal price, decimal commission)
    {
        decimal quantity = Math.Abs(signed);
        decimal notional = price * quantity;
        _position += signed;
        _costBasis += notional;
        _peakQuantity = Math.Max(_peakQuantity, Math.Abs(_position));
        _entryQuantity += quantity;
        _entryNotional += notional;
        _tradeFees += commission;
        _tradeRealized -= commission;
        _tradeFills++;
        Fees += commission;
        RealizedPnl -= commission;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Reduce(decimal quantity, decimal price, decimal commission)
    {
        decimal held = Math.Abs(_position);
        decimal removed = quantity == held
            ? _costBasis
            : decimal.Round(_costBasis * quantity / held, FixedPoint.Decimals, MidpointRounding.ToZero);
        _costBasis -= removed;
        decimal proceeds = price * quantity;
        decimal gross = _direction == TradeDirection.Long ? proceeds - removed : removed - proceeds;
        _position += _direction == TradeDirection.Long ? -quantity : quantity;
        _exitQuantity += quantity;
        _exitNotional += proceeds;
        _tradeFees += commission;
        decimal net = gross - commission;
        _tradeRealized += net;
        _tradeFills++;
        Fees += commission;
        RealizedPnl += net;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private RoundTripTrade Snapshot(long? exitTsNs)
    {
        _entryTimes.Add(_entryTsNs);
        if (exitTsNs is not null)
        {
            ClosedTrades++;
            if (_tradeRealized > 0)
            {
                WinningTrades++;
                GrossProfit += _tradeRealized;
            }
            else if (_tradeRealized < 0)
            {
                LosingTrades++;
                GrossLoss -= _tradeRealized;
            }
        }

        return new(
            Symbol,
            _direction,
            _entryTsNs,
            exitTsNs,
            _peakQuantity,
            Math.Abs(_position),
            AveragePrice(_entryNotional, _entryQuantity)!.Value,
            AveragePrice(_exitNotional, _exitQuantity),
            _tradeRealized,
            _tradeFees,
            _tradeFills,
            exitTsNs is null);
    }

    private static decimal? AveragePrice(decimal notional, decimal quantity) =>
        quantity == 0 ? null : decimal.Round(notional / quantity, FixedPoint.Decimals, MidpointRounding.AwayFromZero);
}
