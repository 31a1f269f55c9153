using Orchestrator.Core;
using Bar = Orchestrator.Agents.Market.Bar;
using StrategyBar = Orchestrator.Strategies.Bar;

namespace Orchestrator.Agents.Llm;

/// <summary>
/// What an <see cref="LlmStrategy"/> knows of one of its symbols, on its own thread: the closed bars
/// (oldest first, at most <see cref="HistoryCapacity"/>), the bar still forming (from its trades), and
/// its own position with average cost and realized P&amp;L (decimal, from its own fills).
/// </summary>
internal sealed class LlmSymbolState
{
    /// <summary>Closed bars kept per symbol: the prompt shows the last few, the indicators use all.</summary>
    public const int HistoryCapacity = 500;

    private readonly List<Bar> _history = [];

    public LlmSymbolState(string symbol, int symbolId)
    {
        Symbol = symbol;
        SymbolId = symbolId;
    }

    public string Symbol { get; }

    public int SymbolId { get; }

    /// <summary>Closed bars, oldest first.</summary>
    public IReadOnlyList<Bar> History => _history;

    /// <summary>The bar forming now (its trades so far), or null before the first trade of the period.</summary>
    public Bar? Forming { get; private set; }

    /// <summary>The strategy's own position in shares (signed; a fraction of a share for a symbol with quantity decimals).</summary>
    public decimal Position { get; private set; }

    /// <summary>Average cost of <see cref="Position"/> (0 when flat).</summary>
    public decimal AverageCost { get; private set; }

    /// <summary>Realized P&amp;L of the strategy's own fills on this symbol, commissions taken off.</summary>
    public decimal RealizedPnl { get; private set; }

    /// <summary>The last closed bar's close, or 0 before the first bar closed.</summary>
    public decimal LastClose => _history.Count > 0 ? _history[^1].Close : 0m;

    /// <summary>A bar of the strategy's bar length closed (the host built it on event time).</summary>
    public void OnBarClosed(in StrategyBar bar)
    {
        if (_history.Count == HistoryCapacity)
        {
            _history.RemoveAt(0);
        }

        _history.Add(new Bar(bar.StartNs, FixedPoint.ToDecimal(bar.OpenRaw), FixedPoint.ToDecimal(bar.HighRaw), FixedPoint.ToDecimal(bar.LowRaw), FixedPoint.ToDecimal(bar.CloseRaw), bar.Volume));
        if (Forming is { } forming && forming.StartNs <= bar.StartNs)
        {
            Forming = null;
        }
    }

    /// <summary>
    /// A trade in the bar starting at <paramref name="barStartNs"/> (the host's bar grid, <see cref="Orchestrator.Strategies.IStrategyContext.BarBounds"/>):
    /// updates the forming bar (a new one when the trade is in a later bar).
    /// </summary>
    public void OnTrade(long barStartNs, long priceRaw, long size)
    {
        decimal price = FixedPoint.ToDecimal(priceRaw);
        long start = barStartNs;
        Forming = Forming is { } bar && bar.StartNs == start
            ? bar with { High = Math.Max(bar.High, price), Low = Math.Min(bar.Low, price), Close = price, Volume = bar.Volume + size }
            : new Bar(start, price, price, price, price, size);
    }

    /// <summary>One of the strategy's own fills (<paramref name="quantity"/> in shares): position, average cost and realized P&amp;L (average-cost method).</summary>
    public void OnFill(Side side, decimal quantity, decimal price, decimal commission)
    {
        decimal signedQty = side == Side.Buy ? quantity : -quantity;
        RealizedPnl -= commission;
        if (Position == 0 || Math.Sign(Position) == Math.Sign(signedQty))
        {
            decimal next = Position + signedQty;
            AverageCost = ((AverageCost * Math.Abs(Position)) + (price * quantity)) / Math.Abs(next);
            Position = next;
            return;
        }

        decimal closing = Math.Min(quantity, Math.Abs(Position));
        RealizedPnl += (price - AverageCost) * closing * Math.Sign(Position);
        decimal after = Position + signedQty;
        if (after == 0)
        {
            AverageCost = 0m;
        }
        else if (Math.Sign(after) != Math.Sign(Position))
        {
            AverageCost = price; // flipped: the rest opened at this price
        }

        Position = after;
    }

    /// <summary>Unrealized P&amp;L of <see cref="Position"/> at <paramref name="lastPrice"/> (0 when flat or no price).</summary>
    public decimal UnrealizedPnl(decimal lastPrice) => Position == 0 || lastPrice <= 0 ? 0m : (lastPrice - AverageCost) * Position;
}
