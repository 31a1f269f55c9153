using ScottPlot;

namespace Orchestrator.Backtest;

/// <summary>
/// Draws the equity curve (top panel) and the drawdown below its running peak as a shaded area
/// (bottom panel, percent, drawn downward), on a shared UTC date-time axis, and saves it as PNG.
/// Rendering is off-screen through SkiaSharp: no display is needed.
/// </summary>
public static class EquityChart
{
    /// <summary>Renders the chart to <paramref name="path"/> (PNG), replacing it.</summary>
    /// <param name="result">The curve to draw.</param>
    /// <param name="report">Its figures, for the title (total return, Sharpe, max drawdown).</param>
    /// <param name="path">The PNG file.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static void SavePng(BacktestResult result, BacktestReport report, string path, int width = 1200, int height = 700)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 100);

        IReadOnlyList<EquityPoint> equity = result.Equity;
        var times = new double[equity.Count];
        var values = new double[equity.Count];
        var zeros = new double[equity.Count];
        double[] drawdown = DrawdownCalculator.Series(equity);
        for (int i = 0; i < equity.Count; i++)
        {
            times[i] = ReportFormat.ToDateTime(equity[i].TsNs).ToOADate();
            values[i] = (double)Core.FixedPoint.ToDecimal(equity[i].EquityRaw);
            drawdown[i] = -100.0 * drawdown[i];
        }

        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        Plot top = multiplot.GetPlot(0);
        Plot bottom = multiplot.GetPlot(1);

        top.Title(Title(report));
        top.YLabel("Equity");
        top.Axes.DateTimeTicksBottom();
        bottom.YLabel("Drawdown %");
        bottom.Axes.DateTimeTicksBottom();

        if (equity.Count > 0)
        {
            var curve = top.Add.ScatterLine(times, values);
            curve.LineWidth = 1.5f;
            var area = bottom.Add.FillY(times, zeros, drawdown);
            area.FillStyle.Color = Colors.Red.WithAlpha(0.35);
            area.LineStyle.Color = Colors.Red;
        }

        // The same fixed padding on both panels keeps their data areas, and so their time axes, aligned.
        top.Layout.Fixed(new PixelPadding(left: 90, right: 30, bottom: 40, top: 45));
        bottom.Layout.Fixed(new PixelPadding(left: 90, right: 30, bottom: 40, top: 10));
        multiplot.SharedAxes.ShareX([top, bottom]);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.DraggableRows();
        ((ScottPlot.MultiplotLayouts.DraggableRows)multiplot.Layout).SetHeights([height * 0.65f, height * 0.35f]);
        multiplot.SavePng(path, width, height);
    }

    private static string Title(BacktestReport report) =>
        "Total return " + Percent(report.TotalReturn)
        + "   Sharpe " + (report.Sharpe is { } sharpe ? sharpe.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : "n/a")
        + "   Max drawdown " + Percent(report.MaxDrawdown);

    private static string Percent(double? fraction) =>
        fraction is { } f ? (f * 100).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " %" : "n/a";
}
