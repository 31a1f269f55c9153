namespace Orchestrator.Engine.Tests.Indicators;

/// <summary>
/// Each indicator written the slow, obvious way over a whole series, as a reference for the
/// incremental types. Windowed ones re-sum the window at every index; the smoothed ones
/// (EMA, Wilder averages) use the closed form — the seed weighted by (1 − a)^k plus every later
/// input weighted by a(1 − a)^(i − j) — instead of the recursion, so they share no arithmetic
/// with the code under test. Pre-ready values follow the documented conventions (running means);
/// NaN marks an index where an output is undefined.
/// </summary>
internal static class NaiveIndicators
{
    public static double[] Sma(double[] x, int period)
    {
        var result = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int start = Math.Max(0, i - period + 1);
            double sum = 0;
            for (int j = start; j <= i; j++)
            {
                sum += x[j];
            }

            result[i] = sum / (i - start + 1);
        }

        return result;
    }

    public static double[] Ema(double[] x, int period) => Smooth(x, 0, period, 2.0 / (period + 1));

    /// <summary>Wilder's RSI; index 0 (no change yet) is 50.</summary>
    public static double[] Rsi(double[] x, int period)
    {
        var gains = new double[x.Length];
        var losses = new double[x.Length];
        for (int i = 1; i < x.Length; i++)
        {
            double change = x[i] - x[i - 1];
            gains[i] = Math.Max(change, 0);
            losses[i] = Math.Max(-change, 0);
        }

        double[] averageGain = Smooth(gains, 1, period, 1.0 / period);
        double[] averageLoss = Smooth(losses, 1, period, 1.0 / period);
        var result = new double[x.Length];
        result[0] = 50;
        for (int i = 1; i < x.Length; i++)
        {
            double g = averageGain[i];
            double l = averageLoss[i];
            result[i] = l == 0 ? (g == 0 ? 50 : 100) : 100 - (100 / (1 + (g / l)));
        }

        return result;
    }

    public static double[] Atr(double[] high, double[] low, double[] close, int period)
    {
        var trueRange = new double[high.Length];
        for (int i = 0; i < high.Length; i++)
        {
            trueRange[i] = i == 0
                ? high[i] - low[i]
                : Math.Max(high[i] - low[i], Math.Max(Math.Abs(high[i] - close[i - 1]), Math.Abs(low[i] - close[i - 1])));
        }

        return Smooth(trueRange, 0, period, 1.0 / period);
    }

    public static (double[] Line, double[] Signal, double[] Histogram) Macd(double[] x, int fast, int slow, int signal)
    {
        double[] fastEma = Ema(x, fast);
        double[] slowEma = Ema(x, slow);
        var line = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            line[i] = fastEma[i] - slowEma[i];
        }

        // The signal EMA sees the MACD line from the index where the slow EMA is seeded.
        double[] signalLine = Smooth(line, slow - 1, signal, 2.0 / (signal + 1));
        var histogram = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            histogram[i] = line[i] - signalLine[i];
        }

        return (line, signalLine, histogram);
    }

    public static (double[] Middle, double[] StdDev, double[] Upper, double[] Lower, double[] PercentB, double[] Bandwidth) Bollinger(double[] x, int period, double k)
    {
        int n = x.Length;
        var middle = new double[n];
        var stdDev = new double[n];
        var upper = new double[n];
        var lower = new double[n];
        var percentB = new double[n];
        var bandwidth = new double[n];
        for (int i = 0; i < n; i++)
        {
            int start = Math.Max(0, i - period + 1);
            int count = i - start + 1;
            double sum = 0;
            for (int j = start; j <= i; j++)
            {
                sum += x[j];
            }

            double mean = sum / count;
            double squares = 0;
            for (int j = start; j <= i; j++)
            {
                squares += (x[j] - mean) * (x[j] - mean);
            }

            double sd = Math.Sqrt(squares / count);
            middle[i] = mean;
            stdDev[i] = sd;
            upper[i] = mean + (k * sd);
            lower[i] = mean - (k * sd);
            double width = upper[i] - lower[i];
            percentB[i] = width == 0 ? 0.5 : (x[i] - lower[i]) / width;
            bandwidth[i] = mean == 0 ? 0 : width / mean;
        }

        return (middle, stdDev, upper, lower, percentB, bandwidth);
    }

    /// <summary>
    /// Exponential smoothing of <paramref name="input"/> from index <paramref name="start"/>: the running
    /// mean for the first <paramref name="seedLength"/> inputs (the last of which is the seed), then the
    /// closed form with factor <paramref name="alpha"/>. NaN before <paramref name="start"/>.
    /// </summary>
    private static double[] Smooth(double[] input, int start, int seedLength, double alpha)
    {
        var result = new double[input.Length];
        int seedEnd = start + seedLength - 1;
        for (int i = 0; i < input.Length; i++)
        {
            if (i < start)
            {
                result[i] = double.NaN;
                continue;
            }

            int last = Math.Min(i, seedEnd);
            double sum = 0;
            for (int j = start; j <= last; j++)
            {
                sum += input[j];
            }

            double seed = sum / (last - start + 1);
            if (i <= seedEnd)
            {
                result[i] = seed;
                continue;
            }

            double value = 0;
            double weight = alpha;
            for (int j = i; j > seedEnd; j--)
            {
                value += weight * input[j];
                weight *= 1 - alpha;
            }

            result[i] = value + (weight / alpha * seed);
        }

        return result;
    }
}
