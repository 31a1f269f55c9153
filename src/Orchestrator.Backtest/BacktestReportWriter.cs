using System.Text;
using System.Text.Json;

namespace Orchestrator.Backtest;

/// <summary>
/// Writes a <see cref="BacktestReport"/> as indented JSON (System.Text.Json), snake_case keys in a
/// fixed order, LF line ends, UTF-8 without BOM.
/// </summary>
/// <remarks>
/// <para>Deterministic: the same report gives the same bytes. Money is a JSON number in plain
/// decimal notation (invariant, trailing zeros trimmed); ratios are doubles rounded to 10
/// significant digits; times are ISO-8601 UTC strings; per-symbol entries and reject reasons are
/// sorted by key (ordinal); trades keep the report's order (entry time, then symbol). A figure that
/// is not defined is <c>null</c>.</para>
/// <para>The only figures that depend on the machine rather than the data are the wall time and the
/// event rate. They are written in a separate top-level <c>run</c> object: <c>elapsed_seconds</c>
/// and <c>total_s</c> (the whole run: reading the data, the engine, the report),
/// <c>events_per_s</c> (events over the whole run, issue 20), the phases <c>load_s</c>,
/// <c>engine_s</c>, <c>report_s</c> and <c>engine_events_per_s</c>; <c>events_per_s</c> is repeated
/// at the top level for readers that expect it there. With <c>deterministic: true</c> all of them
/// are written as <c>null</c>, so two runs over the same data can be compared byte for byte.</para>
/// </remarks>
public static class BacktestReportWriter
{
    private static readonly JsonWriterOptions s_options = new() { Indented = true, NewLine = "\n" };

    /// <summary>Writes the report to <paramref name="stream"/>.</summary>
    /// <param name="report">The report.</param>
    /// <param name="stream">Where to write (left open).</param>
    /// <param name="deterministic">Write the wall-time figures as null.</param>
    public static void Write(BacktestReport report, Stream stream, bool deterministic = false)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(stream);
        using var json = new Utf8JsonWriter(stream, s_options);
        WriteReport(json, report, deterministic);
        json.Flush();
        stream.WriteByte((byte)'\n');
    }

    /// <summary>The report as UTF-8 bytes.</summary>
    public static byte[] ToUtf8Bytes(BacktestReport report, bool deterministic = false)
    {
        using var stream = new MemoryStream();
        Write(report, stream, deterministic);
        return stream.ToArray();
    }

    /// <summary>The report as a string.</summary>
    public static string ToJson(BacktestReport report, bool deterministic = false) =>
        Encoding.UTF8.GetString(ToUtf8Bytes(report, deterministic));

    /// <summary>Writes the report to a file, replacing it.</summary>
    public static void WriteFile(BacktestReport report, string path, bool deterministic = false)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Write(report, stream, deterministic);
    }

    private static void WriteReport(Utf8JsonWriter json, BacktestReport r, bool deterministic)
    {
        json.WriteStartObject();

        Money(json, "starting_cash", r.StartingCash);
        Money(json, "final_equity", r.FinalEquity);
        Time(json, "start", r.StartTsNs);
        Time(json, "end", r.EndTsNs);
        json.WriteNumber("equity_points", r.EquityPoints);

        Number(json, "total_return", r.TotalReturn);
        Number(json, "cagr", r.Cagr);
        Number(json, "volatility", r.Volatility);
        Number(json, "sharpe", r.Sharpe);
        Number(json, "sortino", r.Sortino);
        Number(json, "risk_free_rate", r.RiskFreeRate);
        json.WriteString("return_periodicity", r.ReturnPeriodicity switch
        {
            ReturnPeriodicity.Daily => "daily",
            ReturnPeriodicity.PerPoint => "per_point",
            _ => "none",
        });
        json.WriteNumber("return_periods", r.ReturnPeriods);
        Number(json, "periods_per_year", r.PeriodsPerYear);

        Number(json, "max_drawdown", r.MaxDrawdown);
        Time(json, "max_drawdown_peak", r.MaxDrawdownPeakTsNs);
        Time(json, "max_drawdown_trough", r.MaxDrawdownTroughTsNs);
        Time(json, "max_drawdown_recovery", r.MaxDrawdownRecoveryTsNs);
        Number(json, "max_drawdown_duration_days", r.MaxDrawdownDurationDays);
        Time(json, "longest_drawdown_start", r.LongestDrawdownStartTsNs);
        Time(json, "longest_drawdown_end", r.LongestDrawdownEndTsNs);
        json.WriteBoolean("longest_drawdown_recovered", r.LongestDrawdownRecovered);

        json.WriteNumber("trade_count", r.TradeCount);
        json.WriteNumber("closed_trades", r.ClosedTrades);
        json.WriteNumber("open_trades", r.OpenTrades);
        json.WriteNumber("winning_trades", r.WinningTrades);
        json.WriteNumber("losing_trades", r.LosingTrades);
        Number(json, "win_rate", r.WinRate);
        Number(json, "profit_factor", r.ProfitFactor);
        Money(json, "gross_profit", r.GrossProfit);
        Money(json, "gross_loss", r.GrossLoss);
        Money(json, "realized_pnl", r.RealizedPnl);
        Money(json, "fees", r.Fees);

        Number(json, "exposure_time", r.ExposureTime);
        Number(json, "average_gross_exposure", r.AverageGrossExposure);

        json.WriteNumber("events", r.Events);
        json.WriteNumber("market_events", r.MarketEvents);
        json.WriteNumber("signals", r.Signals);
        Number(json, "events_per_s", deterministic ? null : r.EventsPerSecond);

        json.WriteStartObject("rejects");
        foreach (KeyValuePair<string, long> reject in r.Rejects.OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            json.WriteNumber(reject.Key, reject.Value);
        }

        json.WriteEndObject();

        json.WriteStartArray("agents");
        foreach (Engine.State.AgentFigures agent in r.Agents)
        {
            agent.WriteJson(json);
        }

        json.WriteEndArray();

        json.WriteStartObject("symbols");
        foreach (SymbolReport s in r.PerSymbol.OrderBy(x => x.Symbol, StringComparer.Ordinal))
        {
            json.WriteStartObject(s.Symbol);
            json.WriteNumber("closed_trades", s.ClosedTrades);
            json.WriteNumber("open_trades", s.OpenTrades);
            json.WriteNumber("winning_trades", s.WinningTrades);
            Number(json, "win_rate", s.WinRate);
            Money(json, "realized_pnl", s.RealizedPnl);
            Money(json, "fees", s.Fees);
            json.WriteNumber("final_position", s.FinalPosition);
            json.WriteEndObject();
        }

        json.WriteEndObject();

        json.WriteStartArray("trades");
        foreach (RoundTripTrade t in r.Trades)
        {
            json.WriteStartObject();
            json.WriteString("symbol", t.Symbol);
            json.WriteString("direction", t.Direction == TradeDirection.Long ? "long" : "short");
            json.WriteString("status", t.IsOpen ? "open" : "closed");
            Time(json, "entry", t.EntryTsNs);
            Time(json, "exit", t.ExitTsNs);
            json.WriteNumber("quantity", t.Quantity);
            json.WriteNumber("open_quantity", t.OpenQuantity);
            Money(json, "average_entry_price", t.AverageEntryPrice);
            Money(json, "average_exit_price", t.AverageExitPrice);
            Money(json, "realized_pnl", t.RealizedPnl);
            Money(json, "fees", t.Fees);
            json.WriteNumber("fills", t.FillCount);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        if (r.Benchmark is { } b)
        {
            json.WriteStartObject("benchmark");
            json.WriteString("kind", "buy_and_hold_equal_weight");
            Money(json, "final_value", b.FinalValue);
            Number(json, "total_return", b.TotalReturn);
            Number(json, "cagr", b.Cagr);
            Number(json, "sharpe", b.Sharpe);
            Number(json, "max_drawdown", b.MaxDrawdown);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("benchmark");
        }

        json.WriteStartObject("run");
        Number(json, "elapsed_seconds", deterministic ? null : r.ElapsedSeconds);
        Number(json, "events_per_s", deterministic ? null : r.EventsPerSecond);
        Number(json, "load_s", deterministic ? null : r.LoadSeconds);
        Number(json, "engine_s", deterministic ? null : r.EngineSeconds);
        Number(json, "report_s", deterministic ? null : r.ReportSeconds);
        Number(json, "total_s", deterministic ? null : r.ElapsedSeconds);
        Number(json, "engine_events_per_s", deterministic ? null : r.EngineSeconds > 0 ? r.Events / r.EngineSeconds : null);
        json.WriteEndObject();

        json.WriteEndObject();
    }

    private static void Money(Utf8JsonWriter json, string name, decimal? value)
    {
        json.WritePropertyName(name);
        if (value is { } money)
        {
            json.WriteRawValue(ReportFormat.Decimal(money));
        }
        else
        {
            json.WriteNullValue();
        }
    }

    private static void Number(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && ReportFormat.Round(v) is { } rounded)
        {
            json.WriteNumber(name, rounded);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void Time(Utf8JsonWriter json, string name, long? tsNs)
    {
        if (tsNs is { } ts)
        {
            json.WriteString(name, ReportFormat.Timestamp(ts));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
