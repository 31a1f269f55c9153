using System.Runtime.CompilerServices;
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
    private const int FlushBytes = 1 << 16;
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteReport(Utf8JsonWriter json, BacktestReport r, bool deterministic)
    {
        json.WriteStartObject();

        Money(json, "starting_cash"u8, r.StartingCash);
        Money(json, "final_equity"u8, r.FinalEquity);
        Time(json, "start"u8, r.StartTsNs);
        Time(json, "end"u8, r.EndTsNs);
        json.WriteNumber("equity_points"u8, r.EquityPoints);

        Number(json, "total_return"u8, r.TotalReturn);
        Number(json, "cagr"u8, r.Cagr);
        Number(json, "volatility"u8, r.Volatility);
        Number(json, "sharpe"u8, r.Sharpe);
        Number(json, "sortino"u8, r.Sortino);
        Number(json, "risk_free_rate"u8, r.RiskFreeRate);
        json.WriteString("return_periodicity"u8, r.ReturnPeriodicity switch
        {
            ReturnPeriodicity.Daily => "daily"u8,
            ReturnPeriodicity.PerPoint => "per_point"u8,
            _ => "none"u8,
        });
        json.WriteNumber("return_periods"u8, r.ReturnPeriods);
        Number(json, "periods_per_year"u8, r.PeriodsPerYear);

        Number(json, "max_drawdown"u8, r.MaxDrawdown);
        Time(json, "max_drawdown_peak"u8, r.MaxDrawdownPeakTsNs);
        Time(json, "max_drawdown_trough"u8, r.MaxDrawdownTroughTsNs);
        Time(json, "max_drawdown_recovery"u8, r.MaxDrawdownRecoveryTsNs);
        Number(json, "max_drawdown_duration_days"u8, r.MaxDrawdownDurationDays);
        Time(json, "longest_drawdown_start"u8, r.LongestDrawdownStartTsNs);
        Time(json, "longest_drawdown_end"u8, r.LongestDrawdownEndTsNs);
        json.WriteBoolean("longest_drawdown_recovered"u8, r.LongestDrawdownRecovered);

        json.WriteNumber("trade_count"u8, r.TradeCount);
        json.WriteNumber("closed_trades"u8, r.ClosedTrades);
        json.WriteNumber("open_trades"u8, r.OpenTrades);
        json.WriteNumber("winning_trades"u8, r.WinningTrades);
        json.WriteNumber("losing_trades"u8, r.LosingTrades);
        Number(json, "win_rate"u8, r.WinRate);
        Number(json, "profit_factor"u8, r.ProfitFactor);
        Money(json, "gross_profit"u8, r.GrossProfit);
        Money(json, "gross_loss"u8, r.GrossLoss);
        Money(json, "realized_pnl"u8, r.RealizedPnl);
        Money(json, "fees"u8, r.Fees);

        Number(json, "exposure_time"u8, r.ExposureTime);
        Number(json, "average_gross_exposure"u8, r.AverageGrossExposure);

        json.WriteNumber("events"u8, r.Events);
        json.WriteNumber("market_events"u8, r.MarketEvents);
        json.WriteNumber("signals"u8, r.Signals);
        Number(json, "events_per_s"u8, deterministic ? null : r.EventsPerSecond);

        json.WriteStartObject("rejects"u8);
        foreach (KeyValuePair<string, long> reject in r.Rejects.OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            json.WriteNumber(reject.Key, reject.Value);
        }

        json.WriteEndObject();

        json.WriteStartArray("agents"u8);
        foreach (Engine.State.AgentFigures agent in r.Agents)
        {
            agent.WriteJson(json);
        }

        json.WriteEndArray();

        json.WriteStartObject("symbols"u8);
        foreach (SymbolReport s in r.PerSymbol.OrderBy(x => x.Symbol, StringComparer.Ordinal))
        {
            json.WriteStartObject(s.Symbol);
            json.WriteNumber("closed_trades"u8, s.ClosedTrades);
            json.WriteNumber("open_trades"u8, s.OpenTrades);
            json.WriteNumber("winning_trades"u8, s.WinningTrades);
            Number(json, "win_rate"u8, s.WinRate);
            Money(json, "realized_pnl"u8, s.RealizedPnl);
            Money(json, "fees"u8, s.Fees);
            json.WriteNumber("final_position"u8, s.FinalPosition);
            json.WriteEndObject();
        }

        json.WriteEndObject();

        json.WriteStartArray("trades"u8);
        byte[] trade = new byte[TradeJson.MaxLengthWithoutSymbol];
        var symbols = new Dictionary<string, byte[]>(ReferenceEqualityComparer.Instance); // a ledger's trades share its symbol's string
        foreach (RoundTripTrade t in r.Trades)
        {
            if (!symbols.TryGetValue(t.Symbol, out byte[]? encoded))
            {
                encoded = JsonEncodedText.Encode(t.Symbol).EncodedUtf8Bytes.ToArray(); // as WriteString escapes it
                symbols.Add(t.Symbol, encoded);
                if (trade.Length < TradeJson.MaxLengthWithoutSymbol + encoded.Length)
                {
                    trade = new byte[TradeJson.MaxLengthWithoutSymbol + encoded.Length];
                }
            }

            // The writer adds the list separator; the trade brings its own line end and indentation (raw values are not indented).
            json.WriteRawValue(trade.AsSpan(0, TradeJson.Write(t, encoded, trade)), skipInputValidation: true);
            if (json.BytesPending > FlushBytes)
            {
                json.Flush(); // a long run's trades go out in pieces rather than growing one buffer of the whole report
            }
        }

        json.WriteEndArray();

        if (r.Benchmark is { } b)
        {
            json.WriteStartObject("benchmark"u8);
            json.WriteString("kind"u8, "buy_and_hold_equal_weight"u8);
            Money(json, "final_value"u8, b.FinalValue);
            Number(json, "total_return"u8, b.TotalReturn);
            Number(json, "cagr"u8, b.Cagr);
            Number(json, "sharpe"u8, b.Sharpe);
            Number(json, "max_drawdown"u8, b.MaxDrawdown);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("benchmark"u8);
        }

        json.WriteStartObject("run"u8);
        Number(json, "elapsed_seconds"u8, deterministic ? null : r.ElapsedSeconds);
        Number(json, "events_per_s"u8, deterministic ? null : r.EventsPerSecond);
        Number(json, "load_s"u8, deterministic ? null : r.LoadSeconds);
        Number(json, "engine_s"u8, deterministic ? null : r.EngineSeconds);
        Number(json, "report_s"u8, deterministic ? null : r.ReportSeconds);
        Number(json, "total_s"u8, deterministic ? null : r.ElapsedSeconds);
        Number(json, "engine_events_per_s"u8, deterministic ? null : r.EngineSeconds > 0 ? r.Events / r.EngineSeconds : null);
        json.WriteEndObject();

        json.WriteEndObject();
    }

    private static void Money(Utf8JsonWriter json, ReadOnlySpan<byte> name, decimal? value)
    {
        json.WritePropertyName(name);
        if (value is { } money)
        {
            Span<byte> text = stackalloc byte[ReportFormat.MaxLength];
            json.WriteRawValue(text[..ReportFormat.WriteDecimal(money, text)], skipInputValidation: true); // a plain number
        }
        else
        {
            json.WriteNullValue();
        }
    }

    private static void Number(Utf8JsonWriter json, ReadOnlySpan<byte> name, double? value)
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

    private static void Time(Utf8JsonWriter json, ReadOnlySpan<byte> name, long? tsNs)
    {
        if (tsNs is { } ts)
        {
            Span<byte> text = stackalloc byte[ReportFormat.MaxLength];
            json.WriteString(name, text[..ReportFormat.WriteTimestamp(ts, text)]);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
