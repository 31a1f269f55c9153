using BenchmarkDotNet.Attributes;
using Orchestrator.Core;

namespace Orchestrator.Benchmarks.Components;

/// <summary>
/// The position sizer's arithmetic for one fixed-fraction buy (issue 16): the fraction, position and
/// concentration caps as fractions of equity, the commission estimate and the audit's share of
/// equity. Baseline: every division in 128 bits, as before; new: <see cref="FixedPoint.MulDiv"/>,
/// which divides in 64 bits when the product fits (the same quotients).
/// </summary>
[MemoryDiagnoser]
public class SizingArithmeticBenchmarks
{
    private const long Ppm = 1_000_000;

    private long _equity;
    private long _price;
    private long _fractionPpm;
    private long _maxPositionPpm;
    private long _maxConcentrationPpm;
    private long _commissionBps;

    [GlobalSetup]
    public void Setup()
    {
        // Fields, not constants: the JIT must not fold the divisions away.
        _equity = FixedPoint.FromDecimal(100_000m);
        _price = FixedPoint.FromDecimal(187.35m);
        _fractionPpm = 20_000;
        _maxPositionPpm = 100_000;
        _maxConcentrationPpm = 250_000;
        _commissionBps = 5;
    }

    [Benchmark(Baseline = true)]
    public long Int128Divisions()
    {
        long wanted = FixedPoint.MulDiv128(_equity, _fractionPpm, Ppm) / _price;
        long positionCap = FixedPoint.MulDiv128(_equity, _maxPositionPpm, Ppm) / _price;
        long concentrationCap = FixedPoint.MulDiv128(_equity, _maxConcentrationPpm, Ppm) / _price;
        long perShare = _price + FixedPoint.MulDiv128(_price, _commissionBps, 10_000);
        long quantity = Math.Min(Math.Min(wanted, positionCap), Math.Min(concentrationCap, _equity / perShare));
        long share = (long)((Int128)FixedPoint.SaturatingNotional(_price, quantity) * 10_000 / _equity);
        return quantity + share;
    }

    [Benchmark]
    public long SixtyFourBitDivisions()
    {
        long wanted = FixedPoint.MulDiv(_equity, _fractionPpm, Ppm) / _price;
        long positionCap = FixedPoint.MulDiv(_equity, _maxPositionPpm, Ppm) / _price;
        long concentrationCap = FixedPoint.MulDiv(_equity, _maxConcentrationPpm, Ppm) / _price;
        long perShare = _price + FixedPoint.Bps(_price, _commissionBps);
        long quantity = Math.Min(Math.Min(wanted, positionCap), Math.Min(concentrationCap, _equity / perShare));
        long notional = FixedPoint.SaturatingNotional(_price, quantity);
        long share = notional <= long.MaxValue / 10_000 ? notional * 10_000 / _equity : (long)((Int128)notional * 10_000 / _equity);
        return quantity + share;
    }
}
