namespace Orchestrator.Engine.Tests.Indicators;

/// <summary>Relative comparison of doubles, building a message only on failure.</summary>
internal static class Approx
{
    public const double RelativeTolerance = 1e-9;

    /// <summary>
    /// Passes when |expected − actual| ≤ 1e-9 · max(|expected|, <paramref name="floor"/>). The floor is
    /// the quantity's natural magnitude, so values that cross zero (MACD, %B) are judged relative to
    /// their scale instead of to a near-zero number.
    /// </summary>
    public static void Equal(double expected, double actual, double floor, string what, int index)
    {
        double tolerance = RelativeTolerance * Math.Max(Math.Abs(expected), floor);
        if (!(Math.Abs(expected - actual) <= tolerance))
        {
            Assert.Fail(FormattableString.Invariant($"{what}[{index}]: expected {expected:R}, actual {actual:R}, difference {Math.Abs(expected - actual):R} > {tolerance:R}"));
        }
    }
}
