using Orchestrator.Adapters.Alpaca;
using Orchestrator.Adapters.WebSockets;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Alpaca;

/// <summary>The Alpaca market-data feed with its WebSocket Manager against the simulator's stream v2.</summary>
public sealed class AlpacaMarketDataFeedTests : AlpacaSimulatorFixture
{
    private static readonly SymbolTable s_table = new(["AAPL", "MSFT", "TSLA"]);

    private AlpacaMarketDataFeed NewFeed(TickSink sink, AlpacaChannels channels = AlpacaChannels.Trades | AlpacaChannels.Quotes | AlpacaChannels.Bars, AlpacaCredentials? credentials = null) =>
        new(Simulator.MarketDataUri, credentials ?? Keys, ["AAPL", "MSFT"], channels, s_table, sink, s_fast);

    [Fact]
    public async Task Feed_AuthenticatesThenSubscribes_AndTicksArriveForSubscribedSymbolsOnly()
    {
        var sink = new TickSink();
        using AlpacaMarketDataFeed feed = NewFeed(sink);
        await feed.StartAsync();

        int aapl = s_table.GetId("AAPL"), msft = s_table.GetId("MSFT");
        await sink.Changed.UntilAsync(
            () => new[] { aapl, msft }.All(id => new[] { EventKind.TradeTick, EventKind.QuoteTick, EventKind.Bar }.All(kind => sink.Ticks.Any(t => t.SymbolId == id && t.Kind == kind))),
            "trades, quotes and bars for both symbols");

        MarketTick[] ticks = [.. sink.Ticks];
        Assert.DoesNotContain(ticks, t => t.SymbolId == s_table.GetId("TSLA"));
        Assert.All(ticks.Where(t => t.Kind == EventKind.QuoteTick), t => Assert.True(t.BidRaw < t.AskRaw && t.PriceRaw == (t.BidRaw + t.AskRaw) / 2));
        Assert.All(ticks.Where(t => t.Kind == EventKind.TradeTick), t => Assert.True(t.PriceRaw > 0 && t.Size > 0 && t.TsEventNs > 0));
        Assert.All(ticks.Where(t => t.Kind == EventKind.Bar), t => Assert.True(t.LowRaw <= t.PriceRaw && t.PriceRaw <= t.HighRaw));
        Assert.Equal(1, Simulator.AuthMessages);
        Assert.Equal(1, Simulator.SubscribeMessages);
        Assert.Equal(1, feed.Connection.SubscribesSent);
        Assert.Equal(0, feed.Parser.Malformed);
        Assert.Equal(0, feed.Parser.Errors);
        Assert.Null(feed.NeedsAttention);
    }

    [Fact]
    public async Task DroppedFeed_Reconnects_AuthenticatesAndResubscribesOncePerConnection_AndTicksFlowAgain()
    {
        Simulator.DropAfterFrames = 6;
        var sink = new TickSink();
        using AlpacaMarketDataFeed feed = NewFeed(sink, AlpacaChannels.Trades);
        await feed.StartAsync();

        await sink.Changed.UntilAsync(() => feed.Connection.Reconnects >= 2, "two reconnects after drops");
        Simulator.DropAfterFrames = 0;
        int afterReconnect = sink.Ticks.Count;
        await sink.Changed.UntilAsync(() => sink.Ticks.Count >= afterReconnect + 10 && feed.Connection.Reconnects == Simulator.MarketDataConnections - 1, "ticks flowing again");

        long connections = Simulator.MarketDataConnections;
        Assert.Equal(connections, Simulator.AuthMessages);
        Assert.Equal(connections, Simulator.SubscribeMessages);
        Assert.Equal(connections, feed.Connection.AuthenticationsSent);
        Assert.Equal(connections, feed.Connection.SubscribesSent);
        Assert.Equal(ConnectionState.Connected, feed.Connection.State);
        Assert.Equal(0, feed.Parser.Errors); // never subscribed before the log-in was acknowledged
    }

    [Fact]
    public async Task GarbageFrames_AreCountedAndSkipped_WhileTicksKeepFlowing()
    {
        Simulator.GarbageEvery = 3;
        var sink = new TickSink();
        using AlpacaMarketDataFeed feed = NewFeed(sink, AlpacaChannels.Trades);
        await feed.StartAsync();

        await sink.Changed.UntilAsync(() => sink.Ticks.Count >= 12 && feed.Parser.Malformed >= 3, "ticks past several garbage frames");

        Assert.Equal(1, Simulator.MarketDataConnections); // garbage is skipped, not a reason to reconnect
        Assert.Equal(ConnectionState.Connected, feed.Connection.State);
    }

    [Fact]
    public async Task WrongKeys_HaltTheFeed_ForAPerson_InsteadOfReconnecting()
    {
        var sink = new TickSink();
        using AlpacaMarketDataFeed feed = NewFeed(sink, credentials: new AlpacaCredentials("WRONG", "NOT-THE-SECRET"));
        var halted = new Pulse();
        feed.AttentionNeeded += _ => halted.Set();
        await feed.StartAsync();

        await halted.UntilAsync(() => feed.NeedsAttention is not null, "the feed to halt");

        Assert.Contains("402", feed.NeedsAttention, StringComparison.Ordinal);
        Assert.DoesNotContain("NOT-THE-SECRET", feed.NeedsAttention, StringComparison.Ordinal);
        Assert.True(feed.Connection.Halted);
        Assert.Equal(ConnectionState.Stopped, feed.Connection.State);
        Assert.Equal(0, Simulator.SubscribeMessages);
        Assert.Empty(sink.Ticks);
    }

    [Fact]
    public void SubscribeMessage_ListsTheSymbolsPerChosenChannel()
    {
        Assert.Equal(
            """{"action":"subscribe","trades":["AAPL","MSFT"],"bars":["AAPL","MSFT"]}""",
            AlpacaMarketDataFeed.SubscribeMessage(["AAPL", "MSFT"], AlpacaChannels.Trades | AlpacaChannels.Bars));
    }
}
