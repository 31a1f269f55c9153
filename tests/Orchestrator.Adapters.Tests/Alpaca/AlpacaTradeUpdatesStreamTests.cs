using System.Text;
using Orchestrator.Adapters.Alpaca;
using Orchestrator.Adapters.Venues;
using Orchestrator.Adapters.WebSockets;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Alpaca;

/// <summary>The trade_updates stream: recorded frames, and reconnection and refusal against the simulator.</summary>
public sealed class AlpacaTradeUpdatesStreamTests : AlpacaSimulatorFixture
{
    private const string PartialFill =
        """{"stream":"trade_updates","data":{"event":"partial_fill","execution_id":"e1","timestamp":"2024-01-02T14:30:01.5Z","price":"175.5","qty":"4","position_qty":"4","order":{"id":"61e69015-8549-4bfd-b9c3-01e75843f47d","client_order_id":"1001","symbol":"AAPL","side":"buy","qty":"10","filled_qty":"4","filled_avg_price":"175.5","type":"limit","limit_price":"176","status":"partially_filled"}}}""";

    private const string Rejected =
        """{"stream":"trade_updates","data":{"event":"rejected","timestamp":"2024-01-02T14:30:01Z","order":{"id":"a2","client_order_id":"1002","symbol":"MSFT","side":"sell","qty":"3","filled_qty":"0","filled_avg_price":null,"status":"rejected"}}}""";

    private static (AlpacaTradeUpdatesStream Stream, UpdateSink Sink) Offline()
    {
        var sink = new UpdateSink();
        return (new AlpacaTradeUpdatesStream(new Uri("ws://127.0.0.1:9/stream"), Keys, sink), sink);
    }

    [Fact]
    public void RecordedFrames_TextOrBinary_BecomeCumulativeOrderStates()
    {
        (AlpacaTradeUpdatesStream stream, UpdateSink sink) = Offline();
        using (stream)
        {
            stream.OnFrame(Encoding.UTF8.GetBytes(PartialFill));
            stream.OnFrame(Encoding.UTF8.GetBytes(Rejected));
        }

        VenueOrderState[] updates = [.. sink.Updates];
        Assert.Equal(new VenueOrderState("61e69015-8549-4bfd-b9c3-01e75843f47d", 1001, "AAPL", Side.Buy, 10, 4, 175.5m, VenueOrderStatus.Open), updates[0]);
        Assert.Equal(new VenueOrderState("a2", 1002, "MSFT", Side.Sell, 3, 0, 0m, VenueOrderStatus.Rejected, "rejected"), updates[1]);
        Assert.Equal(2, stream.Updates);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"stream":"trade_updates","data":{"event":"fill"}}""")]
    [InlineData("""{"stream":"trade_updates","data":{"event":"fill","order":{"id":"x","symbol":"AAPL","side":"buy","qty":"1.5","filled_qty":"0"}}}""")]
    [InlineData("""{"stream":"trade_updates","data":{"event":"fill","order":{"id":"x","symbol":"AAPL","side":"up","qty":"1","filled_qty":"0"}}}""")]
    [InlineData("""["trade_updates"]""")]
    [InlineData("""{"stream":"mystery","data":{}}""")]
    public void MalformedFrames_AreCountedAndSkipped(string frame)
    {
        (AlpacaTradeUpdatesStream stream, UpdateSink sink) = Offline();
        using (stream)
        {
            stream.OnFrame(Encoding.UTF8.GetBytes(frame));
            stream.OnFrame(Encoding.UTF8.GetBytes(PartialFill)); // and the next good one still counts
        }

        Assert.Equal(1, stream.Malformed);
        Assert.Single(sink.Updates);
    }

    [Fact]
    public async Task DroppedStream_Reconnects_LogsInAndListensOncePerConnection_AndAsksForARefresh()
    {
        var sink = new UpdateSink();
        using var stream = new AlpacaTradeUpdatesStream(Simulator.TradeStreamUri, Keys, sink, s_fast);
        var listening = new Pulse();
        int acks = 0;
        stream.Listening += () =>
        {
            Interlocked.Increment(ref acks);
            listening.Set();
        };
        await stream.StartAsync();
        await listening.UntilAsync(() => Volatile.Read(ref acks) == 1, "the first listen ack");

        Simulator.DropTradeStreams();
        await listening.UntilAsync(() => Volatile.Read(ref acks) == 2, "the listen ack after the reconnect");

        Assert.Equal(2, Simulator.TradeStreamConnections);
        Assert.Equal(2, Simulator.AuthMessages);
        Assert.Equal(2, Simulator.ListenMessages);
        Assert.Equal(2, stream.Connection.SubscribesSent);
        Assert.Equal(1, sink.Refreshes); // updates sent during the outage are not replayed: the gateway re-reads

        using AlpacaRestClient client = NewClient();
        VenuePlaceResult placed = await client.PlaceAsync(new VenueOrderRequest(5, "AAPL", 0, Side.Buy, OrderType.Market, TimeInForce.Day, 1, 0, 0), CancellationToken.None);
        await sink.Changed.UntilAsync(() => sink.Updates.Any(u => u.VenueOrderId == placed.VenueOrderId && u.Status == VenueOrderStatus.Filled), "the fill on the new connection");
    }

    [Fact]
    public async Task RefusedLogIn_HaltsTheStream_ForAPerson()
    {
        var sink = new UpdateSink();
        using var stream = new AlpacaTradeUpdatesStream(Simulator.TradeStreamUri, new AlpacaCredentials("WRONG", "NOT-THE-SECRET"), sink, s_fast);
        var halted = new Pulse();
        stream.AttentionNeeded += _ => halted.Set();
        await stream.StartAsync();

        await halted.UntilAsync(() => stream.NeedsAttention is not null, "the stream to halt");

        Assert.DoesNotContain("NOT-THE-SECRET", stream.NeedsAttention, StringComparison.Ordinal);
        Assert.Equal(ConnectionState.Stopped, stream.Connection.State);
        Assert.Equal(0, Simulator.ListenMessages);
    }
}
