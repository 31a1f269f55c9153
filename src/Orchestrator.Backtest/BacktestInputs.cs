using System.Globalization;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Core;

namespace Orchestrator.Backtest;

/// <summary>What market data holds: its symbols and its first and last times (a catalog's from its listing).</summary>
/// <param name="Symbols">Distinct symbols, upper-case, sorted.</param>
/// <param name="FirstNs">Earliest timestamp (ns), or 0 when none could be read.</param>
/// <param name="LastNs">Latest timestamp (ns).</param>
public sealed record DataScan(IReadOnlyList<string> Symbols, long FirstNs, long LastNs);

/// <summary>Reading a backtest's recorded signal file (the data file: <see cref="BacktestData.Load"/>, one pass).</summary>
public static class BacktestInputs
{
    /// <summary>
    /// Reads a recorded signal file: CSV with the header <c>timestamp,symbol,side,confidence</c>
    /// and an optional <c>price</c> column; side BUY or SELL; confidence 0..1. Optional exit columns
    /// (issue 19): <c>take_profit</c>, <c>take_profit_pct</c>, <c>stop_loss</c>, <c>stop_loss_pct</c>,
    /// <c>trail_price</c>, <c>trail_percent</c> (empty = none), checked by <see cref="SignalIntentRules"/>
    /// as at every edge. Every bad line is an error naming the file, line and reason; signals come back
    /// sorted by time (stable).
    /// </summary>
    public static (IReadOnlyList<RecordedSignal> Signals, IReadOnlyList<string> Errors) LoadSignals(string path)
    {
        var errors = new List<string>();
        var signals = new List<RecordedSignal>();
        string[] lines = File.ReadAllLines(path);
        string[] header = lines.Length > 0 ? lines[0].Split(',', StringSplitOptions.TrimEntries) : [];
        int Col(string name) => Array.FindIndex(header, h => h.Equals(name, StringComparison.OrdinalIgnoreCase));
        int ts = Col("timestamp"), symbol = Col("symbol"), side = Col("side"), confidence = Col("confidence"), price = Col("price");
        int[] exitColumns = [Col("take_profit"), Col("take_profit_pct"), Col("stop_loss"), Col("stop_loss_pct"), Col("trail_price"), Col("trail_percent")];
        if (ts < 0 || symbol < 0 || side < 0 || confidence < 0)
        {
            return ([], [$"{path}:1: header must name timestamp, symbol, side and confidence (price optional)"]);
        }

        for (int i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            string[] f = lines[i].Split(',', StringSplitOptions.TrimEntries);
            string where = $"{path}:{i + 1}";
            if (f.Length < header.Length)
            {
                errors.Add($"{where}: expected {header.Length} fields, got {f.Length}");
                continue;
            }

            if (!MarketDataTimestamp.TryParseNs(f[ts], out long tsNs))
            {
                errors.Add($"{where}: timestamp: '{f[ts]}' is not ISO-8601 or an epoch number (s, ms, µs or ns by magnitude)");
                continue;
            }

            Side s = f[side].ToUpperInvariant() switch { "BUY" => Side.Buy, "SELL" => Side.Sell, _ => Side.None };
            if (s == Side.None)
            {
                errors.Add($"{where}: side: must be BUY or SELL, got '{f[side]}'");
                continue;
            }

            if (!decimal.TryParse(f[confidence], NumberStyles.Float, CultureInfo.InvariantCulture, out decimal c) || c is < 0m or > 1m)
            {
                errors.Add($"{where}: confidence: must be a number from 0 to 1, got '{f[confidence]}'");
                continue;
            }

            long priceRaw = 0;
            if (price >= 0 && f[price].Length > 0)
            {
                if (!decimal.TryParse(f[price], NumberStyles.Float, CultureInfo.InvariantCulture, out decimal p) || p < 0m)
                {
                    errors.Add($"{where}: price: must be a number >= 0, got '{f[price]}'");
                    continue;
                }

                priceRaw = FixedPoint.FromDecimal(p);
            }

            string? exitProblem = ReadExits(f, header, exitColumns, s, priceRaw, out ProtectiveExits exits);
            if (exitProblem is not null)
            {
                errors.Add($"{where}: {exitProblem}");
                continue;
            }

            signals.Add(new RecordedSignal(tsNs, f[symbol].ToUpperInvariant(), s, c, priceRaw) { Exits = exits });
        }

        return ([.. signals.OrderBy(x => x.TsNs)], errors);
    }

    /// <summary>A line's optional exit columns (empty = none) into <paramref name="exits"/>; the first problem, field-named, or null.</summary>
    private static string? ReadExits(string[] fields, string[] header, int[] columns, Side side, long priceRaw, out ProtectiveExits exits)
    {
        exits = default;
        var values = new decimal[columns.Length];
        for (int i = 0; i < columns.Length; i++)
        {
            int column = columns[i];
            if (column >= 0 && fields[column].Length > 0 && !decimal.TryParse(fields[column], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
            {
                return $"{header[column].ToLowerInvariant()}: must be a number, got '{fields[column]}'";
            }
        }

        SignalIntentProblem problem = SignalIntentRules.TryExits(values[0], values[1], values[2], values[3], values[4], values[5], out exits);
        if (problem == SignalIntentProblem.None)
        {
            var intent = new SignalIntent { LimitRaw = priceRaw, Exits = exits };
            problem = SignalIntentRules.CheckAll(false, side, in intent);
        }

        return problem == SignalIntentProblem.None ? null : SignalIntentRules.Message(problem);
    }
}
