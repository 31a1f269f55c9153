using Orchestrator.Core;
using Orchestrator.Engine.State;

namespace Orchestrator.Backtest;

/// <summary>
/// The buy-and-hold benchmark a backtest's equity is drawn and reported against: the starting equity
/// split equally over the backtest's symbols, each share bought at the symbol's first price the engine
/// sees (a bar's close, a trade's price) and held to the end; a symbol's share is cash until its first
/// price. No fees, no slippage, fractional holdings (an idealised benchmark, not an order flow).
/// </summary>
/// <remarks>
/// <para>Fixed point throughout: a symbol's value is its allocation × last / first price
/// (<see cref="FixedPoint.MulDiv"/>, rounded toward zero), so the currency cancels out and a
/// non-base-currency symbol needs no FX conversion at the (fixed) configured rates. The remainder of
/// the split (starting equity mod symbol count) stays cash.</para>
/// <para>Sampled by the runner's thread at each equity point from the engine's <see cref="MarketState"/>
/// (the prices the equity is valued at); no allocation.</para>
/// </remarks>
public sealed class BuyAndHoldBenchmark
{
    private readonly long[] _firstRaw;
    private readonly long _allocationRaw;
    private readonly long _cashRaw;

    /// <param name="symbolCount">The backtest's symbols (ids 0..count−1).</param>
    /// <param name="startingEquityRaw">The account's equity before the first event (fixed point, base currency).</param>
    public BuyAndHoldBenchmark(int symbolCount, long startingEquityRaw)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(symbolCount);
        _firstRaw = new long[symbolCount];
        _allocationRaw = symbolCount == 0 ? 0 : startingEquityRaw / symbolCount;
        _cashRaw = startingEquityRaw - (_allocationRaw * symbolCount);
        StartingEquityRaw = startingEquityRaw;
    }

    /// <summary>The equity it started from (fixed point, base currency).</summary>
    public long StartingEquityRaw { get; }

    /// <summary>The benchmark's value now (fixed point, base currency); records each symbol's first price as it appears.</summary>
    public long Sample(MarketState market)
    {
        ArgumentNullException.ThrowIfNull(market);
        long value = _cashRaw;
        for (int s = 0; s < _firstRaw.Length; s++)
        {
            long last = market.LastRaw(s);
            if (_firstRaw[s] == 0 && last > 0)
            {
                _firstRaw[s] = last;
            }

            value += _firstRaw[s] == 0 ? _allocationRaw : FixedPoint.MulDiv(_allocationRaw, last, _firstRaw[s]);
        }

        return value;
    }
}
