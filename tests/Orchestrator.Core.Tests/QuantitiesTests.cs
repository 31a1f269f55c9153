using System.Globalization;
using System.Text;

namespace Orchestrator.Core.Tests;

/// <summary>Issue 19: quantities in each instrument's unit (10^−decimals of a share), converted in one place.</summary>
public sealed class QuantitiesTests
{
    [Theory]
    [InlineData(175_500_000, 100, 0, 17_550_000_000)] // whole shares: the exact product, as before
    [InlineData(150_250_000, 5_000, 4, 75_125_000)] // 0.5 × 150.25
    [InlineData(123_456_789, 1_234, 4, 15_234_568)] // 0.1234 × 123.456789 = 15.2345677626: half away from zero
    [InlineData(123_456_789, -1_234, 4, -15_234_568)]
    [InlineData(100_000_000, 1, 9, 0)] // 10^-9 share of 100: 0.0000001, below the money unit
    [InlineData(100_000_000, 5, 9, 1)] // 5 × 10^-9 × 100 = 0.0000005: rounds to one raw unit
    public void Notional_IsPriceTimesShares_RoundedToTheMoneyUnit(long priceRaw, long quantity, int decimals, long expected)
    {
        Assert.Equal(expected, Quantities.Notional(priceRaw, quantity, Quantities.UnitsPerShare(decimals)));
        Assert.Equal(expected, Quantities.SaturatingNotional(priceRaw, quantity, Quantities.UnitsPerShare(decimals)));
    }

    [Fact]
    public void Notional_ThrowsBeyondRange_AndSaturatingClamps()
    {
        Assert.Throws<OverflowException>(() => Quantities.Notional(long.MaxValue / 2, 30_000, 10_000));
        Assert.Equal(long.MaxValue, Quantities.SaturatingNotional(long.MaxValue / 2, 30_000, 10_000));
        Assert.Equal(long.MinValue, Quantities.SaturatingNotional(long.MaxValue / 2, -30_000, 10_000));
    }

    [Theory]
    [InlineData(100_000_000, 150_000_000, 0, 0)] // 100 USD buys no whole share at 150
    [InlineData(100_000_000, 150_000_000, 4, 6_666)] // but 0.6666 of one (rounded down)
    [InlineData(1_000_000_000, 150_000_000, 0, 6)]
    [InlineData(1_000_000_000, 0, 4, 0)]
    public void Affordable_RoundsDown(long moneyRaw, long priceRaw, int decimals, long expected)
    {
        Assert.Equal(expected, Quantities.Affordable(moneyRaw, priceRaw, Quantities.UnitsPerShare(decimals)));
    }

    [Theory]
    [InlineData("0.5", 4, true, 5_000)]
    [InlineData("12", 0, true, 12)]
    [InlineData("0.5", 0, false, 0)] // a fraction of a whole-share instrument
    [InlineData("0.12345", 4, false, 0)] // more decimals than it takes: never rounded
    [InlineData("1.000000001", 9, true, 1_000_000_001)]
    public void TryFromDecimal_IsExactOrRefuses(string shares, int decimals, bool ok, long units)
    {
        Assert.Equal(ok, Quantities.TryFromDecimal(decimal.Parse(shares, CultureInfo.InvariantCulture), decimals, out long quantity));
        Assert.Equal(units, quantity);
    }

    [Theory]
    [InlineData(5_000, 4, "0.5")]
    [InlineData(-5_000, 4, "-0.5")]
    [InlineData(120_000, 4, "12")]
    [InlineData(123_456, 4, "12.3456")]
    [InlineData(12, 0, "12")]
    [InlineData(1, 9, "0.000000001")]
    [InlineData(long.MinValue, 4, "-922337203685477.5808")]
    public void Format_AndTryFormat_WriteShares(long quantity, int decimals, string expected)
    {
        Assert.Equal(expected, Quantities.Format(quantity, decimals));
        Span<byte> buffer = stackalloc byte[32];
        Assert.True(Quantities.TryFormat(quantity, decimals, buffer, out int written));
        Assert.Equal(expected, Encoding.UTF8.GetString(buffer[..written]));
        Assert.False(Quantities.TryFormat(quantity, decimals, buffer[..(expected.Length - 1)], out _));
    }

    [Theory]
    [InlineData("0.5", 4, true, 5_000)]
    [InlineData("0.5", 0, false, 0)]
    [InlineData("2", 0, true, 2)]
    [InlineData("0", 4, false, 0)]
    [InlineData("-1", 0, false, 0)]
    [InlineData("1000000001", 0, false, 0)]
    public void SignalQuantity_IsConvertedIntoTheSymbolsUnits(string shares, int decimals, bool ok, long units)
    {
        Assert.Equal(ok, SignalIntentRules.TryQuantity(decimal.Parse(shares, CultureInfo.InvariantCulture), decimals, out long quantity));
        Assert.Equal(units, quantity);
    }

    [Fact]
    public void InstrumentTable_GivesEachSymbolItsUnit()
    {
        var symbols = new SymbolTable(["AAPL", "005930"]);
        var table = new InstrumentTable(symbols, new Dictionary<string, InstrumentInfo> { ["AAPL"] = InstrumentInfo.Default("AAPL") with { QuantityDecimals = 6 } });

        Assert.Equal(1_000_000, table.Units.PerShare(0));
        Assert.Equal(1, table.Units.PerShare(1));
        Assert.True(table.Units.AnyFractional);
        Assert.False(new InstrumentTable(symbols).Units.AnyFractional);
    }
}
