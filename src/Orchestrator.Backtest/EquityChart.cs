using ScottPlot;

namespace Orchestrator.Backtest;

/// <summary>
/// Draws the equity curve with the buy-and-hold benchmark and the fills as buy/sell markers (top
/// panel) and the drawdown below its running peak as a shaded area (bottom panel, percent, drawn
/// downward), on a shared market-time axis labelled with ISO dates (<see cref="EquityChartSeries"/>:
/// no flat lines over nights, weekends and holidays), and saves it as PNG. Rendering is off-screen
/// through SkiaSharp: no display is needed.
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

        EquityChartSeries series = EquityChartSeries.From(result);
        var zeros = new double[series.X.Length];

        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        Plot top = multiplot.GetPlot(0);
        Plot bottom = multiplot.GetPlot(1);

        top.Title(Title(report));
        top.YLabel("Equity");
        bottom.YLabel("Drawdown %");
        bottom.XLabel("Market time (nights, weekends and holidays left out)");
        top.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(series.TickPositions, series.TickLabels);
        bottom.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(series.TickPositions, series.TickLabels);

        if (series.X.Length > 0)
        {
            var curve = top.Add.ScatterLine(series.X, series.Equity, Colors.Blue);
            curve.LineWidth = 1.5f;
            curve.MarkerSize = 0;
            curve.LegendText = "Strategy";
            if (series.Benchmark is { } benchmark)
            {
                var hold = top.Add.ScatterLine(series.X, benchmark, Colors.Gray);
                hold.LineWidth = 1f;
                hold.MarkerSize = 0;
                hold.LegendText = "Buy & hold (equal weight)" + (report.Benchmark?.TotalReturn is { } r ? " " + Percent(r) : string.Empty);
            }

            if (series.BuyX.Length > 0)
            {
                top.Add.Markers(series.BuyX, series.BuyY, MarkerShape.FilledTriangleUp, 7, Colors.Green).LegendText = "Buy";
            }

            if (series.SellX.Length > 0)
            {
                top.Add.Markers(series.SellX, series.SellY, MarkerShape.FilledTriangleDown, 7, Colors.Red).LegendText = "Sell";
            }

            if (series.MarkersOmitted > 0)
            {
                curve.LegendText += " (" + series.MarkersOmitted.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " fills, not marked)";
            }

            top.ShowLegend(Alignment.UpperLeft);
            var area = bottom.Add.FillY(series.X, zeros, series.Drawdown);
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
