using System.Collections.Concurrent;
using System.Text.Json;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Daemon.Tests;

/// <summary>The daemon core end to end: synthetic feed → engine → paper broker → reports → engine.</summary>
public sealed class TradingSessionTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);

    private sealed class ListAuditWriter : IAuditWriter
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public void Write(AuditLevel level, ReadOnlySpan<byte> message, in AuditRecord record) => Lines.Enqueue(level + " " + System.Text.Encoding.UTF8.GetString(message));
    }

    private static SessionOptions Options(WaitStrategyKind wait, bool pipelined, long ticks = 20_000) =>
        // Paced, not as fast as possible: the venue sees each tick before the engine, and an
        // unpaced feed can run so far ahead that orders reach the venue after the last tick.
        DaemonCli.BuildOptions(seed: 7, ticksPerSecond: 20_000, wait) with
        {
            MaxTicks = ticks,
            Engine = DaemonCli.BuildOptions(7, 20_000, wait).Engine with { Pipelined = pipelined },
        };

    [Theory]
    [InlineData(WaitStrategyKind.SpinThenPark, false)] // the daemon's default
    [InlineData(WaitStrategyKind.SpinThenPark, true)]
    [InlineData(WaitStrategyKind.Blocking, false)]
    [InlineData(WaitStrategyKind.Yielding, true)]
    public async Task Session_TradesThePaperAccount_AndEngineAgreesWithTheVenue(WaitStrategyKind wait, bool pipelined)
    {
        var audit = new ListAuditWriter();
        using var session = new TradingSession(Options(wait, pipelined), audit);
        session.Start("test");
        await session.FeedCompletion.WaitAsync(s_hang);
        Assert.Equal(ShutdownResult.Drained, session.Stop());

        TradingEngine engine = session.Engine;
        Assert.Null(session.Fault);
        Assert.Equal(20_000, engine.Counters.TradeTicks);
        Assert.True(engine.Counters.OrdersSubmitted > 10, "orders placed");
        Assert.True(engine.Counters.Fills > 10, "fills applied");
        Assert.Equal(0, engine.Counters.IllegalReports);
        Assert.Equal(0, engine.Orders.OpenCount); // everything filled or canceled at shutdown

        // Equity is cash plus positions at the last price, and the venue's books match the engine's.
        long expectedEquity = engine.Portfolio.CashRaw;
        (long venueCash, long[] venuePositions) = session.Venue.Snapshot(engine.Symbols.Count);
        for (int s = 0; s < engine.Symbols.Count; s++)
        {
            expectedEquity += engine.Portfolio.Quantity(s) * engine.Market.LastRaw(s);
            Assert.Equal(venuePositions[s], engine.Portfolio.Quantity(s));
        }

        Assert.Equal(expectedEquity, engine.Portfolio.EquityRaw);
        Assert.Equal(venueCash, engine.Portfolio.CashRaw);
        Assert.Equal(engine.Portfolio.EquityRaw - engine.Portfolio.StartingCashRaw,
            engine.Portfolio.TotalRealizedRaw + engine.Portfolio.TotalUnrealizedRaw - engine.Portfolio.CommissionRaw);

        RunReport report = session.BuildReport();
        Assert.Equal(engine.Counters.OrdersSubmitted, report.Latency.Count);
        Assert.True(report.Latency.P50Us > 0);
        Assert.Contains(audit.Lines, l => l.StartsWith("Info Order filled: ", StringComparison.Ordinal));
        Assert.Contains(audit.Lines, l => l.StartsWith("Info Risk check passed: position size ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Session_WithTheSameSeed_TradesTheSameWay()
    {
        // Fills depend on which tick reaches the venue first, so compare what the engine decided
        // from the same input: the signals its rules produced.
        long[] signals = new long[2];
        for (int run = 0; run < 2; run++)
        {
            using var session = new TradingSession(Options(WaitStrategyKind.Blocking, pipelined: false, ticks: 5_000), new ListAuditWriter());
            session.Start("test");
            await session.FeedCompletion.WaitAsync(s_hang);
            session.Stop();
            signals[run] = session.Engine.Counters.RuleSignals;
        }

        Assert.True(signals[0] > 0);
        Assert.Equal(signals[0], signals[1]);
    }

    [Fact]
    public async Task Report_HasTheDocumentedKeys()
    {
        using var session = new TradingSession(Options(WaitStrategyKind.Blocking, pipelined: false, ticks: 3_000), new ListAuditWriter());
        session.Start("test");
        await session.FeedCompletion.WaitAsync(s_hang);
        session.Stop();

        using var json = System.Text.Json.JsonDocument.Parse(session.BuildReport().ToJson());
        foreach (string key in new[] { "events", "ticks", "signals", "rejects", "orders", "fills", "positions", "equity", "realized_pnl", "unrealized_pnl", "latency_us", "latency_to_gateway_us" })
        {
            Assert.True(json.RootElement.TryGetProperty(key, out _), "missing key " + key);
        }

        foreach (string key in new[] { "p50", "p99", "p999", "max" })
        {
            Assert.True(json.RootElement.GetProperty("latency_us").TryGetProperty(key, out _), "missing latency key " + key);
        }

        // Every order is received by the gateway after its hand-off: the same count, and every
        // percentile of publication → receipt at least that of publication → hand-off.
        JsonElement handoff = json.RootElement.GetProperty("latency_us");
        JsonElement toGateway = json.RootElement.GetProperty("latency_to_gateway_us");
        Assert.True(handoff.GetProperty("count").GetInt64() > 0, "no order was measured");
        Assert.Equal(handoff.GetProperty("count").GetInt64(), toGateway.GetProperty("count").GetInt64());
        foreach (string key in new[] { "p50", "p99", "p999", "max" })
        {
            Assert.True(toGateway.GetProperty(key).GetDouble() >= handoff.GetProperty(key).GetDouble(), key + ": to the gateway " + toGateway.GetProperty(key).GetDouble() + " us < to the hand-off " + handoff.GetProperty(key).GetDouble() + " us");
        }

        Assert.Equal(System.Text.Json.JsonValueKind.Object, json.RootElement.GetProperty("rejects").ValueKind);
        Assert.Equal(3_000, json.RootElement.GetProperty("ticks").GetInt64());
    }

    [Fact]
    public async Task Session_ReplaysABarFile_ThroughTheSamePipeline()
    {
        string path = Path.Combine(Path.GetTempPath(), "orc-bars-" + Guid.NewGuid().ToString("N") + ".csv");
        var lines = new List<string> { "timestamp,symbol,open,high,low,close,volume" };
        var start = new DateTime(2025, 1, 2, 14, 30, 0, DateTimeKind.Utc);
        for (int i = 0; i < 400; i++)
        {
            decimal close = 100m + (5m * (decimal)Math.Sin(i / 8.0));
            lines.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{start.AddMinutes(i):yyyy-MM-ddTHH:mm:ssZ},AAPL,{close},{close + 0.5m},{close - 0.5m},{close},1000"));
        }

        await File.WriteAllLinesAsync(path, lines);
        try
        {
            SessionOptions options = Options(WaitStrategyKind.Blocking, pipelined: false, ticks: 0) with { DataFile = path, FeedTicksPerSecond = 2_000 }; // paced: the venue must not run ahead of the engine
            using var session = new TradingSession(options, new ListAuditWriter());
            session.Start("test");
            await session.FeedCompletion.WaitAsync(s_hang);
            Assert.Equal(ShutdownResult.Drained, session.Stop());

            Assert.True(session.Engine.Counters.Bars == 400, $"bars {session.Engine.Counters.Bars} signals {session.Engine.Counters.RuleSignals} orders {session.Engine.Counters.OrdersSubmitted} fills {session.Engine.Counters.Fills} rejects {session.Engine.Counters.TotalRejects} open {session.Engine.Orders.OpenCount}");
            Assert.Equal(400, session.Engine.Counters.Bars);
            Assert.True(session.Engine.Counters.RuleSignals > 0);
            Assert.True(session.Engine.Counters.Fills > 0, $"signals {session.Engine.Counters.RuleSignals} orders {session.Engine.Counters.OrdersSubmitted} fills {session.Engine.Counters.Fills} rejects {session.Engine.Counters.TotalRejects} canceled {session.Engine.Counters.OrdersFinished(Orchestrator.Core.OrderStatus.Canceled)} rejected {session.Engine.Counters.OrdersFinished(Orchestrator.Core.OrderStatus.Rejected)}");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
