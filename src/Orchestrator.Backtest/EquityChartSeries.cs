using System.Globalization;
using Orchestrator.Core;

namespace Orchestrator.Backtest;

/// <summary>
/// What <see cref="EquityChart"/> draws, computed apart from the drawing so it can be checked: the
/// market-time x of each equity point, the equity, the buy-and-hold benchmark, the drawdown, the fill
/// markers on the curve, and the dated ticks of the x axis.
/// </summary>
/// <remarks>
/// <para><b>Market time.</b> x starts at 0 and each step between two points advances by the time between
/// them, capped at the median step of the curve (in days). Within a session the steps keep their
/// lengths; a night, a weekend or a holiday (a step far longer than the median) takes one ordinary
/// step, so the curve has no flat line over closed markets. With daily bars the median is a day: x
/// counts trading days.</para>
/// <para><b>Ticks</b> are ISO dates (<c>yyyy-MM-dd</c>, UTC) at the first point of a date, every k-th date
/// so that at most <see cref="MaxTicks"/> show; a curve within one date gets <c>yyyy-MM-dd HH:mm</c>
/// ticks at evenly spaced points.</para>
/// <para><b>Markers</b>: each fill at the first equity point at or after its time (the account after it),
/// buys and sells apart; with more than <see cref="MaxMarkers"/> fills none are drawn
/// (<see cref="MarkersOmitted"/>) — thousands of triangles hide the curve they mark.</para>
/// </remarks>
internal sealed class EquityChartSeries
{
    /// <summary>Most dated ticks on the x axis.</summary>
    public const int MaxTicks = 8;

    /// <summary>Most fills drawn as markers.</summary>
    public const int MaxMarkers = 1_000;

    private const double NsPerDay = 86_400_000_000_000d;

    private EquityChartSeries(int count)
    {
        X = new double[count];
        Equity = new double[count];
        Drawdown = new double[count];
    }

    /// <summary>Market-time position of each point, days.</summary>
    public double[] X { get; }

    public double[] Equity { get; }

    /// <summary>The benchmark's value at each point; null when the result has none.</summary>
    public double[]? Benchmark { get; private set; }

    /// <summary>Drawdown in percent, drawn downward (≤ 0).</summary>
    public double[] Drawdown { get; }

    public double[] BuyX { get; private set; } = [];

    public double[] BuyY { get; private set; } = [];

    public double[] SellX { get; private set; } = [];

    public double[] SellY { get; private set; } = [];

    /// <summary>Fills not drawn because there were more than <see cref="MaxMarkers"/>; 0 when all are.</summary>
    public int MarkersOmitted { get; private set; }

    public double[] TickPositions { get; private set; } = [];

    public string[] TickLabels { get; private set; } = [];

    /// <summary>The series of <paramref name="result"/>'s curve (points in time order, as the runner records them).</summary>
    public static EquityChartSeries From(BacktestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        IReadOnlyList<EquityPoint> equity = result.Equity;
        var series = new EquityChartSeries(equity.Count);
        double[] drawdown = DrawdownCalculator.Series(equity);
        long capNs = MedianStepNs(equity);
        for (int i = 0; i < equity.Count; i++)
        {
            series.X[i] = i == 0 ? 0 : series.X[i - 1] + (Math.Min(equity[i].TsNs - equity[i - 1].TsNs, capNs) / NsPerDay);
            series.Equity[i] = (double)FixedPoint.ToDecimal(equity[i].EquityRaw);
            series.Drawdown[i] = -100.0 * drawdown[i];
        }

        if (result.HasBenchmark)
        {
            series.Benchmark = new double[equity.Count];
            for (int i = 0; i < equity.Count; i++)
            {
                series.Benchmark[i] = (double)FixedPoint.ToDecimal(equity[i].BenchmarkRaw);
            }
        }

        series.AddMarkers(result.Fills, equity);
        series.AddTicks(equity);
        return series;
    }

    private static long MedianStepNs(IReadOnlyList<EquityPoint> equity)
    {
        var steps = new List<long>(Math.Max(equity.Count - 1, 0));
        for (int i = 1; i < equity.Count; i++)
        {
            long step = equity[i].TsNs - equity[i - 1].TsNs;
            if (step > 0)
            {
                steps.Add(step);
            }
        }

        if (steps.Count == 0)
        {
            return 0;
        }

        steps.Sort();
        return steps[steps.Count / 2];
    }

    private void AddMarkers(IReadOnlyList<FillRecord> fills, IReadOnlyList<EquityPoint> equity)
    {
        if (fills.Count > MaxMarkers)
        {
            MarkersOmitted = fills.Count;
            return;
        }

        if (equity.Count == 0)
        {
            return;
        }

        List<double> buyX = [], buyY = [], sellX = [], sellY = [];
        foreach (FillRecord fill in fills)
        {
            int i = FirstAtOrAfter(equity, fill.TsNs);
            (fill.Side == Side.Buy ? buyX : sellX).Add(X[i]);
            (fill.Side == Side.Buy ? buyY : sellY).Add(Equity[i]);
        }

        (BuyX, BuyY, SellX, SellY) = ([.. buyX], [.. buyY], [.. sellX], [.. sellY]);
    }

    /// <summary>The first point at or after <paramref name="tsNs"/> (the last point when all are before it).</summary>
    private static int FirstAtOrAfter(IReadOnlyList<EquityPoint> equity, long tsNs)
    {
        int lo = 0, hi = equity.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (equity[mid].TsNs < tsNs)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private void AddTicks(IReadOnlyList<EquityPoint> equity)
    {
        var firstOfDate = new List<int>();
        DateOnly previous = default;
        for (int i = 0; i < equity.Count; i++)
        {
            DateOnly date = DateOnly.FromDateTime(ReportFormat.ToDateTime(equity[i].TsNs));
            if (i == 0 || date != previous)
            {
                firstOfDate.Add(i);
                previous = date;
            }
        }

        var positions = new List<double>();
        var labels = new List<string>();
        if (firstOfDate.Count > 1)
        {
            int stride = (firstOfDate.Count + MaxTicks - 1) / MaxTicks;
            for (int k = 0; k < firstOfDate.Count; k += stride)
            {
                int i = firstOfDate[k];
                positions.Add(X[i]);
                labels.Add(ReportFormat.ToDateTime(equity[i].TsNs).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }
        }
        else if (equity.Count > 0)
        {
            int ticks = Math.Min(equity.Count, MaxTicks);
            for (int k = 0; k < ticks; k++)
            {
                int i = ticks == 1 ? 0 : (int)((long)k * (equity.Count - 1) / (ticks - 1));
                positions.Add(X[i]);
                labels.Add(ReportFormat.ToDateTime(equity[i].TsNs).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
            }
        }

        (TickPositions, TickLabels) = ([.. positions], [.. labels]);
    }
}
