using System.Net.WebSockets;
using System.Text;
using Orchestrator.Adapters.Kis;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Kis;

/// <summary>The simulator's real-time feed, received over a real WebSocket and decoded by the parser.</summary>
public sealed class KisSimulatorFeedTests : KisSimulatorFixture
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(30);
    private sealed class ListSink : IMarketDataSink
    {
        public List<MarketTick> Ticks { get; } = [];

        public void OnMarketData(in MarketTick tick) => Ticks.Add(tick);
    }

    private Uri WebSocketUri => new("ws://" + Simulator.BaseAddress.Authority + "/");

    private static async Task SubscribeAsync(ClientWebSocket socket, string symbol, CancellationToken cancellationToken, string trId = "H0STCNT0")
    {
        string message = KisMarketDataFeed.SubscribeMessage("SIM-APPROVAL", trId, symbol, subscribe: true);
        await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, cancellationToken);
    }

    /// <summary>Receives frames into the parser until <paramref name="ticks"/> trade ticks arrived or the link drops.</summary>
    private static async Task<(List<KisFrameKind> Kinds, bool Dropped)> ReceiveAsync(ClientWebSocket socket, KisRealtimeParser parser, ListSink sink, int ticks, CancellationToken cancellationToken)
    {
        var kinds = new List<KisFrameKind>();
        byte[] buffer = new byte[64 * 1024];
        try
        {
            while (sink.Ticks.Count < ticks)
            {
                WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return (kinds, true);
                }

                kinds.Add(parser.Parse(buffer.AsSpan(0, result.Count), sink).Kind);
            }
        }
        catch (WebSocketException)
        {
            return (kinds, true);
        }

        return (kinds, false);
    }

    [Fact]
    public async Task Subscribe_IsAcknowledged_AndTradeFramesFlowAsTicks()
    {
        using var cts = new CancellationTokenSource(s_hang);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(WebSocketUri, cts.Token);
        await SubscribeAsync(socket, "005930", cts.Token);

        var parser = new KisRealtimeParser(new SymbolTable(["005930"]));
        var sink = new ListSink();
        (List<KisFrameKind> kinds, bool dropped) = await ReceiveAsync(socket, parser, sink, 5, cts.Token);

        Assert.False(dropped);
        Assert.Equal(KisFrameKind.SubscribeAck, kinds[0]);
        Assert.Equal(5, sink.Ticks.Count);
        Assert.All(sink.Ticks, t => Assert.True(t.PriceRaw >= 100 * FixedPoint.Scale && t.BidRaw < t.AskRaw));
        Assert.Equal(1, Simulator.SubscribeMessages);
        Assert.Equal(0, parser.Malformed);
    }

    [Fact]
    public async Task GarbageFrames_AreCountedAndSkipped_WhileTicksKeepFlowing()
    {
        Simulator.GarbageFrame = "0|H0STCNT0|001|broken^frame";
        using var cts = new CancellationTokenSource(s_hang);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(WebSocketUri, cts.Token);
        await SubscribeAsync(socket, "005930", cts.Token);

        var parser = new KisRealtimeParser(new SymbolTable(["005930"]));
        var sink = new ListSink();
        await ReceiveAsync(socket, parser, sink, 12, cts.Token);

        Assert.Equal(12, sink.Ticks.Count);
        Assert.True(parser.Malformed >= 2, $"malformed {parser.Malformed}");
    }

    [Fact]
    public async Task DroppedLink_EndsTheConnection_AndANewOneServesAgain()
    {
        Simulator.DropAfterFrames = 3;
        using var cts = new CancellationTokenSource(s_hang);
        var parser = new KisRealtimeParser(new SymbolTable(["005930"]));
        var sink = new ListSink();
        using (var first = new ClientWebSocket())
        {
            await first.ConnectAsync(WebSocketUri, cts.Token);
            await SubscribeAsync(first, "005930", cts.Token);
            (_, bool dropped) = await ReceiveAsync(first, parser, sink, 100, cts.Token);
            Assert.True(dropped);
        }

        int beforeDrop = sink.Ticks.Count;
        Assert.InRange(beforeDrop, 1, 3); // an aborted link may lose the frame in flight

        Simulator.DropAfterFrames = 0;
        using var second = new ClientWebSocket();
        await second.ConnectAsync(WebSocketUri, cts.Token);
        await SubscribeAsync(second, "005930", cts.Token);
        (_, bool droppedAgain) = await ReceiveAsync(second, parser, sink, beforeDrop + 5, cts.Token);
        Assert.False(droppedAgain);
        Assert.Equal(2, Simulator.Connections);
        Assert.Equal(2, Simulator.SubscribeMessages);
    }

    [Fact]
    public async Task QuoteAndOverseasSubscriptions_StreamFramesTheParserDecodes()
    {
        using var cts = new CancellationTokenSource(s_hang);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(WebSocketUri, cts.Token);
        await SubscribeAsync(socket, "005930", cts.Token, "H0STASP0");
        await SubscribeAsync(socket, "DNASAAPL", cts.Token, "HDFSCNT0");

        var parser = new KisRealtimeParser(new SymbolTable(["005930", "DNASAAPL"]));
        var sink = new ListSink();
        (_, bool dropped) = await ReceiveAsync(socket, parser, sink, 10, cts.Token);

        Assert.False(dropped);
        Assert.Contains(sink.Ticks, t => t.Kind == EventKind.QuoteTick && t.SymbolId == 0 && t.BidRaw < t.AskRaw);
        Assert.Contains(sink.Ticks, t => t.Kind == EventKind.TradeTick && t.SymbolId == 1 && t.PriceRaw > 0);
        Assert.Equal(0, parser.Malformed);
    }

    [Fact]
    public async Task AfterADrop_UpgradesAreRefusedWith503_ForTheConfiguredTime()
    {
        Simulator.DropAfterFrames = 2;
        Simulator.RefuseReconnectsFor = TimeSpan.FromHours(1);
        using var cts = new CancellationTokenSource(s_hang);
        var parser = new KisRealtimeParser(new SymbolTable(["005930"]));
        using (var first = new ClientWebSocket())
        {
            await first.ConnectAsync(WebSocketUri, cts.Token);
            await SubscribeAsync(first, "005930", cts.Token);
            (_, bool dropped) = await ReceiveAsync(first, parser, new ListSink(), 100, cts.Token);
            Assert.True(dropped);
        }

        using var second = new ClientWebSocket();
        await Assert.ThrowsAsync<WebSocketException>(() => second.ConnectAsync(WebSocketUri, cts.Token));
        Assert.Equal(1, Simulator.RefusedUpgrades);
        Assert.Equal(1, Simulator.Connections);
    }
}
