namespace Orchestrator.Core.Tests;

public sealed class FixedPointTests
{
    [Theory]
    [InlineData("175.50", 175_500_000)]
    [InlineData("0.000001", 1)]
    [InlineData("-3.25", -3_250_000)]
    [InlineData("72000", 72_000_000_000)]
    [InlineData("0.0000005", 1)] // half away from zero
    public void FromDecimal_UsesTheOneScale(string text, long raw)
    {
        Assert.Equal(raw, FixedPoint.FromDecimal(decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Notional_IsExact_AndThrowsOnOverflow()
    {
        Assert.Equal(17_550_000_000, FixedPoint.Notional(175_500_000, 100));
        Assert.Throws<OverflowException>(() => FixedPoint.Notional(long.MaxValue / 2, 3));
        Assert.Equal(long.MaxValue, FixedPoint.SaturatingNotional(long.MaxValue / 2, 3));
        Assert.Equal(long.MinValue, FixedPoint.SaturatingNotional(long.MaxValue / 2, -3));
    }

    [Fact]
    public void RoundTrip_DecimalToRawToDecimal_IsExactForEveryValueOnTheScale()
    {
        var random = new Random(7);
        for (int i = 0; i < 10_000; i++)
        {
            long raw = random.NextInt64(-9_000_000_000_000_000, 9_000_000_000_000_000);
            Assert.Equal(raw, FixedPoint.FromDecimal(FixedPoint.ToDecimal(raw)));
        }
    }

    [Fact]
    public void Bps_AppliesBasisPointsWithoutOverflowInTheIntermediate()
    {
        Assert.Equal(5_000, FixedPoint.Bps(10_000_000, 5)); // 5 bps of 10.00
        Assert.Equal(long.MaxValue / 10_000 * 10_000 / 10_000, FixedPoint.Bps(long.MaxValue / 10_000 * 10_000, 1));
    }

    [Fact]
    public void Money_Arithmetic_IsChecked()
    {
        var a = Money.FromDecimal(10.5m);
        var b = Money.FromDecimal(0.25m);
        Assert.Equal(Money.FromDecimal(10.75m), a + b);
        Assert.Equal(Money.FromDecimal(10.25m), a - b);
        Assert.Throws<OverflowException>(() => new Money(long.MaxValue) + new Money(1));
        Assert.Equal("10.5", a.ToString());
    }
}
