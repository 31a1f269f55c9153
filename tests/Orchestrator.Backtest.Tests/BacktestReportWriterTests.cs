using System.Text.Json;
using Orchestrator.Core;
using static Orchestrator.Backtest.Tests.TestResults;

namespace Orchestrator.Backtest.Tests;

public sealed class BacktestReportWriterTests
{
    [Fact]
    public void Write_Deterministic_SameResultGivesIdenticalBytesWhateverTheWallTime()
    {
        byte[] first = BacktestReportWriter.ToUtf8Bytes(BacktestMetrics.Compute(BuyAndHold(elapsedSeconds: 1.5)), deterministic: true);
        byte[] second = BacktestReportWriter.ToUtf8Bytes(BacktestMetrics.Compute(BuyAndHold(elapsedSeconds: 7.25)), deterministic: true);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Write_NotDeterministic_WritesTheRunFigures()
    {
        using JsonDocument doc = JsonDocument.Parse(BacktestReportWriter.ToJson(BacktestMetrics.Compute(BuyAndHold(elapsedSeconds: 4))));

        JsonElement run = doc.RootElement.GetProperty("run");
        Assert.Equal(4.0, run.GetProperty("elapsed_seconds").GetDouble());
        Assert.Equal(250.0, run.GetProperty("events_per_s").GetDouble());
        Assert.Equal(250.0, doc.RootElement.GetProperty("events_per_s").GetDouble());
    }

    [Fact]
    public void Write_Deterministic_HasTheRequiredKeysAndNullRunFigures()
    {
        BacktestReport report = BacktestMetrics.Compute(BuyAndHold());
        using JsonDocument doc = JsonDocument.Parse(BacktestReportWriter.ToUtf8Bytes(report, deterministic: true));
        JsonElement root = doc.RootElement;

        foreach (string key in new[]
        {
            "total_return", "cagr", "volatility", "sharpe", "sortino", "max_drawdown", "max_drawdown_duration_days",
            "max_drawdown_peak", "max_drawdown_trough", "win_rate", "profit_factor", "trade_count", "trades",
            "exposure_time", "average_gross_exposure", "fees", "final_equity", "events", "events_per_s", "symbols", "run",
        })
        {
            Assert.True(root.TryGetProperty(key, out _), "missing key " + key);
        }

        Assert.Equal(JsonValueKind.Array, root.GetProperty("trades").ValueKind);
        Assert.Equal(root.GetProperty("trade_count").GetInt32(), root.GetProperty("trades").GetArrayLength());
        Assert.Equal(0.15, root.GetProperty("total_return").GetDouble());
        Assert.Equal(0.1, root.GetProperty("max_drawdown").GetDouble());
        Assert.Equal("2024-01-02T16:00:00Z", root.GetProperty("max_drawdown_peak").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("events_per_s").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("run").GetProperty("elapsed_seconds").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("run").GetProperty("events_per_s").ValueKind);
        Assert.Equal(1000, root.GetProperty("events").GetInt64());
    }

    [Fact]
    public void Write_MoneyAndKeys_AreInvariantPlainDecimalsSortedBySymbol()
    {
        FillRecord[] fills =
        [
            Fill(At(0, 15), "ZZZ", Side.Buy, 3, 10.5m, 0.125m),
            Fill(At(0, 15), "AAA", Side.Buy, 1, 1m, 0.000001m),
        ];
        BacktestResult result = Result(1_000.5m, [Point(At(0), 1_000.5m), Point(At(1), 1_001.25m)], fills, symbols: ["ZZZ", "AAA"]);

        string json = BacktestReportWriter.ToJson(BacktestMetrics.Compute(result), deterministic: true);

        Assert.Contains("\"starting_cash\": 1000.5,", json, StringComparison.Ordinal);
        Assert.Contains("\"final_equity\": 1001.25,", json, StringComparison.Ordinal);
        Assert.Contains("\"fees\": 0.125001,", json, StringComparison.Ordinal);
        Assert.True(json.IndexOf("\"AAA\": {", StringComparison.Ordinal) < json.IndexOf("\"ZZZ\": {", StringComparison.Ordinal));
        Assert.True(json.IndexOf("\"Halted\"", StringComparison.Ordinal) < json.IndexOf("\"MaxNotional\"", StringComparison.Ordinal));
        Assert.DoesNotContain("\r", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L, "1970-01-01T00:00:00Z")]
    [InlineData(1_704_067_200_123_000_000L, "2024-01-01T00:00:00.123Z")]
    [InlineData(1_704_067_200_000_000_001L, "2024-01-01T00:00:00.000000001Z")]
    [InlineData(-1L, "1969-12-31T23:59:59.999999999Z")]
    public void Timestamp_IsIso8601Utc(long tsNs, string expected) => Assert.Equal(expected, ReportFormat.Timestamp(tsNs));

    [Theory]
    [InlineData(0.1 + 0.2, "0.3")]
    [InlineData(1.0 / 3.0, "0.3333333333")]
    [InlineData(-0.0, "0")]
    [InlineData(double.NaN, "")]
    public void Double_IsRoundedToTenSignificantDigits(double value, string expected) => Assert.Equal(expected, ReportFormat.Double(value));
}
