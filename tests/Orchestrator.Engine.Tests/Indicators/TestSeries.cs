namespace Orchestrator.Engine.Tests.Indicators;

/// <summary>Seeded random price series: the same seed always gives the same numbers.</summary>
internal static class TestSeries
{
    /// <summary>A geometric random walk from <paramref name="level"/> with steps of up to ±1%.</summary>
    public static double[] Prices(int seed, double level, int length)
    {
        var random = new Random(seed);
        var prices = new double[length];
        double price = level;
        for (int i = 0; i < length; i++)
        {
            price *= 1 + ((random.NextDouble() - 0.5) * 0.02);
            prices[i] = price;
        }

        return prices;
    }

    /// <summary>Bars around a random walk of closes: high and low up to 0.5% beyond the close.</summary>
    public static (double[] High, double[] Low, double[] Close) Bars(int seed, double level, int length)
    {
        double[] close = Prices(seed, level, length);
        var random = new Random(seed + 1);
        var high = new double[length];
        var low = new double[length];
        for (int i = 0; i < length; i++)
        {
            high[i] = close[i] * (1 + (random.NextDouble() * 0.005));
            low[i] = close[i] * (1 - (random.NextDouble() * 0.005));
        }

        return (high, low, close);
    }
}
