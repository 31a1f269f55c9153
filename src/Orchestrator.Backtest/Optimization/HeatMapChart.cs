using System.Globalization;
using ScottPlot;

namespace Orchestrator.Backtest.Optimization;

/// <summary>
/// The objective over two swept parameters as a heat map PNG: the first parameter (in the order
/// given) with more than one value across, the second up, each cell labelled with its value; cells
/// with no score (refused, not sampled, no figure) are grey.
/// </summary>
public static class HeatMapChart
{
    /// <summary>The grid the chart draws: x and y values and the score at [y, x] (NaN for none); null unless exactly two parameters vary.</summary>
    public static (int XParameter, int YParameter, double[,] Scores)? Grid(SweepReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        IReadOnlyList<ParameterRange> parameters = report.Definition.Parameters;
        int[] varying = [.. Enumerable.Range(0, parameters.Count).Where(i => parameters[i].Values.Count > 1)];
        if (varying.Length != 2)
        {
            return null;
        }

        (int xp, int yp) = (varying[0], varying[1]);
        var scores = new double[parameters[yp].Values.Count, parameters[xp].Values.Count];
        for (int y = 0; y < scores.GetLength(0); y++)
        {
            for (int x = 0; x < scores.GetLength(1); x++)
            {
                scores[y, x] = double.NaN;
            }
        }

        foreach (CandidateResult r in report.Results)
        {
            int x = IndexOf(parameters[xp].Values, r.Values[xp]);
            int y = IndexOf(parameters[yp].Values, r.Values[yp]);
            if (x >= 0 && y >= 0 && r.Score is { } score)
            {
                scores[y, x] = score;
            }
        }

        return (xp, yp, scores);
    }

    /// <summary>Draws the heat map to <paramref name="path"/>; false (nothing written) unless exactly two parameters vary and one cell has a score.</summary>
    public static bool TrySavePng(SweepReport report, string path, int width = 900, int height = 700)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (Grid(report) is not { } grid)
        {
            return false;
        }

        (int xp, int yp, double[,] scores) = grid;
        if (!scores.Cast<double>().Any(double.IsFinite))
        {
            return false; // nothing to colour
        }

        IReadOnlyList<ParameterRange> parameters = report.Definition.Parameters;
        int rows = scores.GetLength(0), columns = scores.GetLength(1);
        var intensities = new double[rows, columns];
        for (int y = 0; y < rows; y++)
        {
            for (int x = 0; x < columns; x++)
            {
                intensities[rows - 1 - y, x] = scores[y, x]; // the heat map's first row is its top
            }
        }

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.NaNCellColor = Colors.LightGray;
        heatmap.Position = new CoordinateRect(0, columns - 1, 0, rows - 1); // cell centres at whole numbers
        plot.Add.ColorBar(heatmap).Label = report.Definition.Objective.Name();
        for (int y = 0; y < rows; y++)
        {
            for (int x = 0; x < columns; x++)
            {
                if (!double.IsNaN(scores[y, x]))
                {
                    var label = plot.Add.Text(scores[y, x].ToString("0.###", CultureInfo.InvariantCulture), x, y);
                    label.Alignment = Alignment.MiddleCenter;
                    label.LabelFontColor = Colors.White;
                    label.LabelFontSize = columns * rows > 200 ? 8 : 11;
                }
            }
        }

        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, columns).Select(i => (double)i)], [.. parameters[xp].Values.Select(Label)]);
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, rows).Select(i => (double)i)], [.. parameters[yp].Values.Select(Label)]);
        plot.XLabel(parameters[xp].Name);
        plot.YLabel(parameters[yp].Name);
        plot.Title($"{report.Definition.Strategy}: {report.Definition.Objective.Name()} by {parameters[xp].Name} and {parameters[yp].Name}");
        plot.Axes.SetLimits(-0.5, columns - 0.5, -0.5, rows - 0.5);
        plot.SavePng(path, width, height);
        return true;
    }

    private static int IndexOf(IReadOnlyList<decimal> values, decimal value)
    {
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i] == value)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Label(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
