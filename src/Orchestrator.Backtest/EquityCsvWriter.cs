using System.Globalization;
using System.Text;
using Orchestrator.Core;

namespace Orchestrator.Backtest;

/// <summary>
/// Writes the equity curve as CSV: <c>timestamp,equity,cash,gross_exposure,drawdown,benchmark</c>, one
/// row per point, LF line ends. Timestamps ISO-8601 UTC; money as invariant decimals; drawdown the
/// positive fraction below the running peak (0 at a peak), rounded to 10 significant digits;
/// benchmark the buy-and-hold value at the same moment (<see cref="BuyAndHoldBenchmark"/>), empty
/// when the result has none.
/// </summary>
public static class EquityCsvWriter
{
    /// <summary>The header line (without its line end).</summary>
    public const string Header = "timestamp,equity,cash,gross_exposure,drawdown,benchmark";

    /// <summary>Writes the curve to <paramref name="writer"/>.</summary>
    public static void Write(BacktestResult result, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(writer);

        IReadOnlyList<EquityPoint> equity = result.Equity;
        double[] drawdown = DrawdownCalculator.Series(equity);
        var line = new StringBuilder(96);
        writer.Write(Header);
        writer.Write('\n');
        for (int i = 0; i < equity.Count; i++)
        {
            EquityPoint point = equity[i];
            line.Clear()
                .Append(ReportFormat.Timestamp(point.TsNs)).Append(',')
                .Append(ReportFormat.Decimal(FixedPoint.ToDecimal(point.EquityRaw))).Append(',')
                .Append(ReportFormat.Decimal(FixedPoint.ToDecimal(point.CashRaw))).Append(',')
                .Append(ReportFormat.Decimal(FixedPoint.ToDecimal(point.GrossExposureRaw))).Append(',')
                .Append(ReportFormat.Double(drawdown[i])).Append(',');
            if (result.HasBenchmark)
            {
                line.Append(ReportFormat.Decimal(FixedPoint.ToDecimal(point.BenchmarkRaw)));
            }

            line.Append('\n');
            writer.Write(line);
        }
    }

    /// <summary>The curve as one string.</summary>
    public static string ToCsv(BacktestResult result)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(result, writer);
        return writer.ToString();
    }

    /// <summary>Writes the curve to a file (UTF-8, no BOM), replacing it.</summary>
    public static void WriteFile(BacktestResult result, string path)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        Write(result, writer);
    }
}
