using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Backtest.Optimization;

/// <summary>
/// Writes a walk-forward: <c>walkforward.json</c> (the sweep, each window's best parameters with its
/// in-sample and out-of-sample figures, the mean objective in and out of sample, and the stitched
/// out-of-sample figures), <c>walkforward.csv</c> (one row per window), <c>oos-equity.csv</c> (the
/// stitched curve, as <c>--equity-csv</c>) and <c>oos-equity.png</c>. Deterministic: no wall clock.
/// </summary>
public static class WalkForwardWriter
{
    public const string JsonFile = "walkforward.json";
    public const string CsvFile = "walkforward.csv";
    public const string EquityCsvFile = "oos-equity.csv";
    public const string EquityPngFile = "oos-equity.png";

    /// <summary>Writes the four files into <paramref name="directory"/>; the stitched report.</summary>
    public static BacktestReport WriteTo(WalkForwardResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        BacktestReport stitched = BacktestMetrics.Compute(result.OutOfSample);
        File.WriteAllText(Path.Combine(directory, JsonFile), ToJson(result, stitched));
        File.WriteAllText(Path.Combine(directory, CsvFile), ToCsv(result));
        EquityCsvWriter.WriteFile(result.OutOfSample, Path.Combine(directory, EquityCsvFile));
        EquityChart.SavePng(result.OutOfSample, stitched, Path.Combine(directory, EquityPngFile));
        return stitched;
    }

    /// <summary>Mean of the windows' objective in sample and out of sample (windows without one left out); null when none.</summary>
    public static (double? InSample, double? OutOfSample) MeanObjective(WalkForwardResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        double[] inSample = [.. result.Steps.Where(s => s.InSample?.Score is not null).Select(s => s.InSample!.Score!.Value)];
        double[] outOfSample = [.. result.Steps.Where(s => s.OutOfSampleScore is not null).Select(s => s.OutOfSampleScore!.Value)];
        return (inSample.Length > 0 ? inSample.Average() : null, outOfSample.Length > 0 ? outOfSample.Average() : null);
    }

    public static string ToJson(WalkForwardResult result, BacktestReport stitched)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(stitched);
        SweepDefinition d = result.Definition;
        (double? meanIn, double? meanOut) = MeanObjective(result);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("fingerprint", d.Fingerprint);
            w.WriteString("walk_forward", result.Spec.ToString());
            w.WriteString("strategy", d.Strategy);
            w.WriteString("objective", d.Objective.Name());
            w.WriteString("search", d.Search);
            w.WriteString("data", d.DataName);
            w.WriteString("data_sha256", d.DataSha256);
            w.WriteStartArray("parameters");
            foreach (ParameterRange p in d.Parameters)
            {
                w.WriteStringValue(p.Name + "=" + p.Spec);
            }

            w.WriteEndArray();
            w.WriteStartObject("in_sample");
            SweepReport.Nullable(w, "mean_objective", meanIn);
            w.WriteEndObject();
            w.WriteStartObject("out_of_sample");
            SweepReport.Nullable(w, "mean_objective", meanOut);
            SweepReport.Nullable(w, "objective", d.Objective.Score(stitched));
            SweepReport.WriteFigures(w, CandidateFigures.From(stitched));
            w.WriteEndObject();
            w.WriteStartArray("windows");
            foreach (WalkForwardStep s in result.Steps)
            {
                w.WriteStartObject();
                w.WriteString("train_from", ReportFormat.Timestamp(s.Window.TrainFromNs));
                w.WriteString("train_to", ReportFormat.Timestamp(s.Window.TrainToNs));
                w.WriteString("test_from", ReportFormat.Timestamp(s.Window.TestFromNs));
                w.WriteString("test_to", ReportFormat.Timestamp(s.Window.TestToNs));
                if (s.InSample is { Score: not null } best)
                {
                    w.WriteStartObject("params");
                    for (int i = 0; i < d.Parameters.Count; i++)
                    {
                        w.WriteNumber(d.Parameters[i].Name, best.Values[i]);
                    }

                    w.WriteEndObject();
                    w.WriteStartObject("in_sample");
                    SweepReport.Nullable(w, "objective", best.Score);
                    SweepReport.WriteFigures(w, best.Figures!);
                    w.WriteEndObject();
                }

                if (s.OutOfSample is { } oos)
                {
                    w.WriteStartObject("out_of_sample");
                    SweepReport.Nullable(w, "objective", s.OutOfSampleScore);
                    SweepReport.WriteFigures(w, oos);
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    public static string ToCsv(WalkForwardResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        SweepDefinition d = result.Definition;
        var csv = new StringBuilder("train_from,train_to,test_from,test_to");
        foreach (ParameterRange p in d.Parameters)
        {
            csv.Append(',').Append(p.Name);
        }

        csv.Append(",in_sample_objective,out_of_sample_objective,in_sample_total_return,out_of_sample_total_return,out_of_sample_max_drawdown,out_of_sample_trades\n");
        foreach (WalkForwardStep s in result.Steps)
        {
            csv.Append(ReportFormat.Timestamp(s.Window.TrainFromNs)).Append(',').Append(ReportFormat.Timestamp(s.Window.TrainToNs))
                .Append(',').Append(ReportFormat.Timestamp(s.Window.TestFromNs)).Append(',').Append(ReportFormat.Timestamp(s.Window.TestToNs));
            for (int i = 0; i < d.Parameters.Count; i++)
            {
                csv.Append(',').Append(s.InSample is { Score: not null } b ? b.Values[i].ToString(CultureInfo.InvariantCulture) : string.Empty);
            }

            csv.Append(',').Append(SweepReport.Number(s.InSample?.Score)).Append(',').Append(SweepReport.Number(s.OutOfSampleScore))
                .Append(',').Append(SweepReport.Number(s.InSample?.Figures?.TotalReturn)).Append(',').Append(SweepReport.Number(s.OutOfSample?.TotalReturn))
                .Append(',').Append(SweepReport.Number(s.OutOfSample?.MaxDrawdown))
                .Append(',').Append(s.OutOfSample is { } o ? o.Trades.ToString(CultureInfo.InvariantCulture) : string.Empty).Append('\n');
        }

        return csv.ToString();
    }
}
