using System.Collections.Concurrent;
using Orchestrator.Adapters.Kis;
using Orchestrator.Adapters.WebSockets;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Kis;

/// <summary>The KIS feed with its WebSocket Manager against the simulator: reconnect, resubscribe once, ticks again.</summary>
public sealed class KisMarketDataFeedTests : KisSimulatorFixture
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(60);
    private sealed class QueueSink : IMarketDataSink
    {
        public ConcurrentQueue<MarketTick> Ticks { get; } = new();

        public void OnMarketData(in MarketTick tick) => Ticks.Enqueue(tick);
    }

    private Uri WebSocketUri => new("ws://" + Simulator.BaseAddress.Authority + "/");

    private static readonly ReconnectPolicy s_fast = new() { Base = TimeSpan.FromMilliseconds(50), Max = TimeSpan.FromMilliseconds(200) };

    [Fact]
    public async Task DroppedFeed_Reconnects_ResubscribesOnce_AndTicksFlowAgain()
    {
        Simulator.DropAfterFrames = 5;
        var sink = new QueueSink();
        using var feed = new KisMarketDataFeed(WebSocketUri, "SIM-APPROVAL", ["005930"], new SymbolTable(["005930"]), sink, s_fast);
        await feed.StartAsync();

        Assert.True(SpinWait.SpinUntil(() => feed.Connection.Reconnects >= 1, s_hang), "no reconnect after the drop");
        Simulator.DropAfterFrames = 0;
        int afterReconnect = sink.Ticks.Count;
        Assert.True(SpinWait.SpinUntil(() => sink.Ticks.Count >= afterReconnect + 10, s_hang), "ticks did not flow again");

        long connections = Simulator.Connections;
        Assert.Equal(connections, feed.Connection.SubscribesSent); // one symbol: exactly one subscribe per connection
        Assert.Equal(connections, Simulator.SubscribeMessages);
        Assert.Equal(ConnectionState.Connected, feed.Connection.State);
        Assert.Equal(0, feed.Parser.Malformed);
    }

    [Fact]
    public void Backoff_GrowsExponentiallyWithJitter_ThenFallsToTheSlowCadence()
    {
        var policy = new ReconnectPolicy { Base = TimeSpan.FromMilliseconds(100), Max = TimeSpan.FromSeconds(5), Jitter = 0.2, MaxFastAttempts = 10, SlowCadence = TimeSpan.FromMinutes(1) };
        var random = new Random(1);
        for (int attempt = 1; attempt <= 10; attempt++)
        {
            double expected = Math.Min(100 * Math.Pow(2, attempt - 1), 5_000);
            Assert.InRange(policy.DelayFor(attempt, random).TotalMilliseconds, expected * 0.8, expected * 1.2);
        }

        Assert.Equal(TimeSpan.FromMinutes(1), policy.DelayFor(11, random));
        Assert.Equal(TimeSpan.FromMinutes(1), policy.DelayFor(500, random));
    }

    [Fact]
    public void SubscribeMessage_HasTheKisShape()
    {
        using var json = System.Text.Json.JsonDocument.Parse(KisMarketDataFeed.SubscribeMessage("KEY", "H0STCNT0", "005930", subscribe: false));
        Assert.Equal("2", json.RootElement.GetProperty("header").GetProperty("tr_type").GetString());
        Assert.Equal("KEY", json.RootElement.GetProperty("header").GetProperty("approval_key").GetString());
        Assert.Equal("005930", json.RootElement.GetProperty("body").GetProperty("input").GetProperty("tr_key").GetString());
    }

    [Fact]
    public async Task UsSymbols_AreSubscribedAsHDFSCNT0_AndTickBesideDomesticOnes()
    {
        var sink = new QueueSink();
        var exchanges = new Dictionary<string, string>(StringComparer.Ordinal) { ["IBM"] = "NYSE" };
        using var feed = new KisMarketDataFeed(WebSocketUri, "SIM-APPROVAL", ["005930", "AAPL", "IBM"], new SymbolTable(["005930", "AAPL", "IBM"]), sink, s_fast, overseasExchanges: exchanges);
        await feed.StartAsync();

        using (var guard = new CancellationTokenSource(s_hang))
        {
            while (!(sink.Ticks.Any(t => t.SymbolId == 0) && sink.Ticks.Any(t => t.SymbolId == 1) && sink.Ticks.Any(t => t.SymbolId == 2)))
            {
                await Task.Delay(10, guard.Token); // a condition wait under a hang guard
            }
        }

        Assert.Equal(3, Simulator.SubscribeMessages);
        Assert.InRange(FixedPoint.ToDecimal(sink.Ticks.Last(t => t.SymbolId == 1).PriceRaw), 50m, 150m); // the simulator's USD price, not KRW
        Assert.Equal(0, feed.Parser.Malformed);
    }

    [Fact]
    public void Markets_SixDigitCodesAreDomestic_AndUsKeysNameTheExchange()
    {
        Assert.True(KisMarkets.IsDomestic("005930"));
        Assert.False(KisMarkets.IsDomestic("AAPL"));
        Assert.False(KisMarkets.IsDomestic("00593A"));
        Assert.Equal(("DNASAAPL", "DNYSIBM", "DAMSSPY"), (KisMarkets.RealtimeKey("NASD", "AAPL"), KisMarkets.RealtimeKey("NYSE", "IBM"), KisMarkets.RealtimeKey("AMEX", "SPY")));
        Assert.Equal(("NYSE", "NASD"), (KisMarkets.ExchangeOf(new Dictionary<string, string> { ["IBM"] = "NYSE" }, "IBM"), KisMarkets.ExchangeOf(null, "MSFT")));
    }
}
