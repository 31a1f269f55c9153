using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

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

    private const int FlushBytes = 1 << 16;

    /// <summary>Writes the curve to <paramref name="writer"/>.</summary>
    public static void Write(BacktestResult result, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(writer);
        char[] text = new char[FlushBytes + MaxLine];
        Write(result, chunk =>
        {
            int length = Encoding.ASCII.GetChars(chunk, text); // the CSV is ASCII
            writer.Write(text, 0, length);
        });
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
        ArgumentNullException.ThrowIfNull(result);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Write(result, chunk => stream.Write(chunk));
    }

    private const int MaxLine = 6 * ReportFormat.MaxLength;

    /// <summary>The CSV as ASCII (UTF-8) bytes, handed to <paramref name="write"/> about 64 KiB at a time: formatted straight into one buffer, no allocation per row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Write(BacktestResult result, ReadOnlySpanAction write)
    {
        IReadOnlyList<EquityPoint> equity = result.Equity;
        double[] drawdown = DrawdownCalculator.Series(equity);
        byte[] buffer = new byte[FlushBytes + MaxLine];
        int length = Encoding.ASCII.GetBytes(Header + "\n", buffer);
        for (int i = 0; i < equity.Count; i++)
        {
            EquityPoint point = equity[i];
            Span<byte> line = buffer.AsSpan(length);
            int n = ReportFormat.WriteTimestamp(point.TsNs, line);
            line[n++] = (byte)',';
            n += ReportFormat.WriteFixedPoint(point.EquityRaw, line[n..]);
            line[n++] = (byte)',';
            n += ReportFormat.WriteFixedPoint(point.CashRaw, line[n..]);
            line[n++] = (byte)',';
            n += ReportFormat.WriteFixedPoint(point.GrossExposureRaw, line[n..]);
            line[n++] = (byte)',';
            n += ReportFormat.WriteDouble(drawdown[i], line[n..]);
            line[n++] = (byte)',';
            if (result.HasBenchmark)
            {
                n += ReportFormat.WriteFixedPoint(point.BenchmarkRaw, line[n..]);
            }

            line[n++] = (byte)'\n';
            length += n;
            if (length >= FlushBytes)
            {
                write(buffer.AsSpan(0, length));
                length = 0;
            }
        }

        write(buffer.AsSpan(0, length));
    }

    private delegate void ReadOnlySpanAction(ReadOnlySpan<byte> chunk);
}
