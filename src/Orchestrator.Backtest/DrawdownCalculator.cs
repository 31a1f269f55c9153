using System.Runtime.CompilerServices;

namespace Orchestrator.Backtest;

/// <summary>
/// Drawdowns of an equity curve (every point, in time order). The running peak is the highest
/// equity so far; a point at or above it is a new peak (a tie moves the peak's time forward) and
/// ends any drawdown in progress: that is its recovery. Drawdown = (peak − equity) / peak, a
/// positive fraction; undefined (taken as 0) while the peak is not positive.
/// </summary>
internal static class DrawdownCalculator
{
    /// <summary>The drawdown at each point, aligned with <paramref name="equity"/>.</summary>
    public static double[] Series(IReadOnlyList<EquityPoint> equity)
    {
        var series = new double[equity.Count];
        long peak = long.MinValue;
        for (int i = 0; i < equity.Count; i++)
        {
            long value = equity[i].EquityRaw;
            if (value > peak)
            {
                peak = value;
            }

            series[i] = peak > 0 ? (double)(peak - value) / peak : 0.0;
        }

        return series;
    }

    /// <summary>The deepest drawdown and the longest peak-to-recovery span.</summary>
    /// <param name="equity">The curve, in time order.</param>
    /// <param name="benchmark">Of the points' <see cref="EquityPoint.BenchmarkRaw"/> values instead of their equity.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static DrawdownSummary Analyze(IReadOnlyList<EquityPoint> equity, bool benchmark = false)
    {
        if (equity.Count == 0)
        {
            return default;
        }

        long peak = Value(equity[0], benchmark);
        long peakTs = equity[0].TsNs;
        bool underwater = false;
        bool maxInThisDrawdown = false;

        double max = 0;
        long? maxPeakTs = null, maxTroughTs = null, maxRecoveryTs = null;
        long longest = 0;
        long? longestStart = null, longestEnd = null;
        bool longestRecovered = false;

        for (int i = 1; i < equity.Count; i++)
        {
            long value = Value(equity[i], benchmark);
            long ts = equity[i].TsNs;
            if (value >= peak)
            {
                if (underwater)
                {
                    long span = ts - peakTs;
                    if (span > longest || longestStart is null)
                    {
                        longest = span;
                        longestStart = peakTs;
                        longestEnd = ts;
                        longestRecovered = true;
                    }

                    if (maxInThisDrawdown)
                    {
                        maxRecoveryTs = ts;
                    }
                }

                underwater = false;
                maxInThisDrawdown = false;
                peak = value;
                peakTs = ts;
                continue;
            }

            underwater = true;
            if (peak > 0)
            {
                double drawdown = (double)(peak - value) / peak;
                if (drawdown > max)
                {
                    max = drawdown;
                    maxPeakTs = peakTs;
                    maxTroughTs = ts;
                    maxRecoveryTs = null;
                    maxInThisDrawdown = true;
                }
            }
        }

        if (underwater)
        {
            long span = equity[^1].TsNs - peakTs;
            if (span > longest || longestStart is null)
            {
                longest = span;
                longestStart = peakTs;
                longestEnd = equity[^1].TsNs;
                longestRecovered = false;
            }
        }

        return new DrawdownSummary(max, maxPeakTs, maxTroughTs, maxRecoveryTs, longest, longestStart, longestEnd, longestRecovered);
    }

    /// <summary>The value a drawdown is taken on: the equity, or the benchmark's value.</summary>
    internal static long Value(in EquityPoint point, bool benchmark) => benchmark ? point.BenchmarkRaw : point.EquityRaw;
}
