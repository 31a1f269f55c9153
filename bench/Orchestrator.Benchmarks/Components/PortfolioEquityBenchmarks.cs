using BenchmarkDotNet.Attributes;
using Orchestrator.Core;
using Orchestrator.Engine.State;

namespace Orchestrator.Benchmarks.Components;

/// <summary>
/// Portfolio equity per read (issue 16): the walk over every position the engine did three times per
/// signal (baseline), against the incrementally kept figure; and what keeping it costs per trade
/// (one position revalued). <see cref="Positions"/> symbols, every one held.
/// </summary>
[MemoryDiagnoser]
public class PortfolioEquityBenchmarks
{
    private MarketState _market = null!;
    private Portfolio _portfolio = null!;
    private long _price;

    [Params(1, 10, 100)]
    public int Positions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _market = new MarketState(Positions);
        _portfolio = new Portfolio(_market, FixedPoint.FromDecimal(10_000_000m));
        for (int s = 0; s < Positions; s++)
        {
            long price = FixedPoint.FromDecimal(100m + s);
            _market.OnTrade(s, price, 1, 1);
            _portfolio.Mark(s, price);
            _portfolio.ApplyFill(s, s % 3 == 0 ? Side.Sell : Side.Buy, 10 + s, price, 0);
        }

        _price = FixedPoint.FromDecimal(101.25m);
    }

    /// <summary>The walk <c>Portfolio.EquityRaw</c> was before issue 16: cash plus every position at its last price.</summary>
    [Benchmark(Baseline = true)]
    public long EquityFullWalk()
    {
        long equity = _portfolio.CashRaw;
        for (int i = 0; i < _portfolio.SymbolCount; i++)
        {
            long qty = _portfolio.Quantity(i);
            if (qty != 0)
            {
                long last = _market.LastRaw(i);
                equity += FixedPoint.SaturatingNotional(last != 0 ? last : _portfolio.AvgCostRaw(i), qty);
            }
        }

        return equity;
    }

    [Benchmark]
    public long EquityIncremental() => _portfolio.EquityRaw;

    /// <summary>The new per-trade cost: the risk manager marks one held position.</summary>
    [Benchmark]
    public long MarkOnePosition()
    {
        _portfolio.Mark(0, _price);
        return _portfolio.EquityRaw;
    }
}
