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

    /// <summary>The 64-bit division path of <see cref="FixedPoint.MulDiv"/> (issue 16) gives the 128-bit quotient, or the same exception.</summary>
    [Theory]
    [InlineData(100_000_000_000, 20_000, 1_000_000)] // 2 % of 100,000.00
    [InlineData(-100_000_000_000, 20_000, 1_000_000)] // negative equity truncates toward zero
    [InlineData(long.MaxValue, 1, 1)]
    [InlineData(long.MinValue, 1, 1)]
    [InlineData(long.MaxValue, 1_000_000, 1_000_000)] // the product needs 128 bits; the quotient fits
    [InlineData(long.MinValue, -1, 1)] // 2^63: out of range either way
    [InlineData(long.MinValue, 1, -1)] // the one overflowing 64-bit division
    [InlineData(4_611_686_018_427_387_904, 2, 3)] // 2^62 × 2: one past the 64-bit range
    [InlineData(-4_611_686_018_427_387_904, 2, 3)] // −2^63 exactly: fits
    [InlineData(7, 3, 0)]
    public void MulDiv_EqualsThe128BitQuotient_OrThrowsTheSame(long raw, long numerator, long denominator)
    {
        AssertSameAsReference(raw, numerator, denominator);
    }

    [Fact]
    public void MulDiv_EqualsThe128BitQuotient_ForRandomOperandsOfEveryWidth()
    {
        var random = new Random(16);
        for (int i = 0; i < 200_000; i++)
        {
            AssertSameAsReference(RandomWidth(random), RandomWidth(random), RandomWidth(random) | 1);
        }
    }

    private static long RandomWidth(Random random)
    {
        long value = random.NextInt64() >> random.Next(64); // every magnitude, not only huge ones
        return random.Next(2) == 0 ? value : -value;
    }

    private static void AssertSameAsReference(long raw, long numerator, long denominator)
    {
        Exception? expectedError = null;
        long expected = 0;
        try
        {
            expected = FixedPoint.MulDiv128(raw, numerator, denominator);
        }
        catch (ArithmeticException e)
        {
            expectedError = e;
        }

        if (expectedError is null)
        {
            Assert.Equal(expected, FixedPoint.MulDiv(raw, numerator, denominator));
        }
        else
        {
            Assert.Throws(expectedError.GetType(), () => FixedPoint.MulDiv(raw, numerator, denominator));
        }
    }
}
