using Orchestrator.Engine.Indicators;

namespace Orchestrator.Engine.Tests.Indicators;

/// <summary>After construction and warm-up, updating and reading an <see cref="IndicatorSet"/> allocates nothing.</summary>
public sealed class IndicatorAllocationTests
{
    private const int Warmup = 100_000;
    private const int Measured = 1_000_000;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IndicatorSet_MillionUpdatesAfterWarmup_AllocateZeroBytes(bool bars)
    {
        // Inputs prepared up front; the loop indexes them with a mask so it allocates nothing itself.
        (double[] high, double[] low, double[] close) = TestSeries.Bars(21, 100, 4096);
        const int Mask = 4096 - 1;
        var set = new IndicatorSet();
        Run(set, high, low, close, Mask, bars, Warmup);

        long before = GC.GetAllocatedBytesForCurrentThread();
        double checksum = Run(set, high, low, close, Mask, bars, Measured);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(set.IsReady);
        Assert.True(double.IsFinite(checksum));
    }

    private static double Run(IndicatorSet set, double[] high, double[] low, double[] close, int mask, bool bars, int count)
    {
        double checksum = 0;
        for (int i = 0; i < count; i++)
        {
            int j = i & mask;
            if (bars)
            {
                set.UpdateBar(high[j], low[j], close[j]);
            }
            else
            {
                set.UpdateTrade(close[j]);
            }

            // Read every output, as rules would, so the getters are measured too.
            checksum += set.Sma.Value + set.EmaFast.Value - set.EmaFast.PreviousValue + set.EmaSlow.Value
                + set.Rsi.Value + set.Macd.Histogram + set.Atr.Value + set.Bollinger.PercentB + set.Bollinger.Bandwidth;
        }

        return checksum;
    }
}
