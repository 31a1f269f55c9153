using System.Buffers;
using System.Text;
using System.Text.Json;
using Orchestrator.Adapters.SignalGateway;
using Orchestrator.Core;
using Orchestrator.Core.Calendars;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>
/// Issue 20, multiple timeframes, for agents: feed bars (a bar file replayed by <c>run --data</c>) reach the agents'
/// bars with their whole OHLCV (they were ignored: no ticks, no bars), and with exchange calendars the agents' bars
/// follow the exchange's session as the engine's strategies' do.
/// </summary>
public sealed class AgentFeedBarsTests
{
    private const long Minute = 60_000_000_000;

    private static long Utc(int year, int month, int day, int hour, int minute) =>
        (new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks) * 100;

    /// <summary>A feed with one agent on AAPL asking for 1m, 5m, 1h and 1d bars; <paramref name="calendars"/> per symbol.</summary>
    private static (AgentFeed Feed, AgentSession Session) NewFeed(ExchangeCalendar?[]? calendars)
    {
        var symbols = new SymbolTable(["AAPL"]);
        var slots = new[] { new GatewaySlot(0, 1024) };
        var sources = new TextInterner();
        var directory = new AgentDirectory(sources, slots.Length, 1 << 12, TimeProvider.System, new SourceClaims(sources, []));
        var ring = new MarketDataRing(1 << 14);
        var feed = new AgentFeed(ring, directory, slots, symbols.Count, calendars: calendars);
        GatewayAgent agent = directory.GetOrAdd("bars")!;
        AgentHello hello = AgentHello.Parse("{\"type\":\"hello\",\"name\":\"bars\",\"symbols\":[\"AAPL\"],\"ticks\":false,\"bars\":[\"1m\",\"5m\",\"1h\",\"1d\"]}"u8, symbols, out string? error)!;
        Assert.Null(error);
        var session = new AgentSession(agent, hello, 0, ring, new AgentFeedShared(symbols.Names), 4096) { Work = slots[0].Work };
        agent.Attach(session);
        directory.Sessions[0] = session;
        return (feed, session);
    }

    private static List<(string Timeframe, long Start, decimal Open, decimal High, decimal Low, decimal Close, long Volume)> Bars(AgentSession session)
    {
        var output = new ArrayBufferWriter<byte>(1 << 20);
        bool more = true;
        while (more)
        {
            session.WriteFeed(output, out more);
        }

        var bars = new List<(string, long, decimal, decimal, decimal, decimal, long)>();
        foreach (string line in Encoding.UTF8.GetString(output.WrittenSpan).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using JsonDocument json = JsonDocument.Parse(line);
            JsonElement e = json.RootElement;
            if (e.GetProperty("type").GetString() == "bar")
            {
                bars.Add((e.GetProperty("timeframe").GetString()!, e.GetProperty("start").GetInt64(), e.GetProperty("open").GetDecimal(), e.GetProperty("high").GetDecimal(),
                    e.GetProperty("low").GetDecimal(), e.GetProperty("close").GetDecimal(), e.GetProperty("volume").GetInt64()));
            }
        }

        return bars;
    }

    private static void FeedBar(AgentFeed feed, long tsNs, decimal open, decimal high, decimal low, decimal close, long volume)
    {
        var e = new EngineEvent
        {
            Kind = EventKind.Bar, SymbolId = 0, TsEventNs = tsNs, OpenRaw = FixedPoint.FromDecimal(open), HighRaw = FixedPoint.FromDecimal(high),
            LowRaw = FixedPoint.FromDecimal(low), PriceRaw = FixedPoint.FromDecimal(close), Size = volume,
        };
        feed.OnEvent(ref e, endOfBatch: true);
    }

    [Fact]
    public void OneMinuteFeedBars_GiveTheAgentItsBars_WithTheirOpenHighLowAndVolume()
    {
        (AgentFeed feed, AgentSession session) = NewFeed(calendars: null);
        long t = Utc(2024, 7, 2, 13, 30);
        FeedBar(feed, t, 10m, 12m, 9m, 11m, 100);
        FeedBar(feed, t + Minute, 11m, 15m, 10.5m, 14m, 50);
        FeedBar(feed, t + (2 * Minute), 14m, 14.5m, 8m, 9m, 70);
        FeedBar(feed, t + (3 * Minute), 9m, 10m, 8.5m, 9.5m, 30);
        FeedBar(feed, t + (4 * Minute), 9.5m, 11m, 9m, 10m, 20);
        FeedBar(feed, t + (5 * Minute), 10m, 10m, 10m, 10m, 1); // closes the fifth minute and the 5-minute bar

        var bars = Bars(session);
        Assert.Equal((("1m", t, 10m, 12m, 9m, 11m, 100L)), bars[0]);
        Assert.Equal(("5m", t, 10m, 15m, 8m, 10m, 270L), Assert.Single(bars, b => b.Timeframe == "5m"));
    }

    [Fact]
    public void WithTheNyseCalendar_TheAgentsHourBarsStartAtTheOpen_AndItsDayBarIsTheNewYorkDay()
    {
        (AgentFeed feed, AgentSession session) = NewFeed([ExchangeCalendars.ForExchange("XNYS")]);
        long open = Utc(2024, 7, 2, 13, 30); // 09:30 EDT
        for (int i = 0; i < 390; i++)
        {
            FeedBar(feed, open + (i * Minute), 100m + i, 100.5m + i, 99.5m + i, 100m + i, 10);
        }

        FeedBar(feed, Utc(2024, 7, 3, 13, 30), 500m, 500m, 500m, 500m, 1); // the next session's first minute closes the day

        var bars = Bars(session);
        List<long> hours = [.. bars.Where(b => b.Timeframe == "1h").Select(b => b.Start)];
        Assert.Equal([.. Enumerable.Range(0, 7).Select(h => open + (h * 60 * Minute))], hours); // 09:30, 10:30, …, 15:30 (the last to 16:00)
        Assert.Equal(30 * 10, bars.Last(b => b.Timeframe == "1h").Volume);
        var day = Assert.Single(bars, b => b.Timeframe == "1d");
        Assert.Equal((Utc(2024, 7, 2, 4, 0), 100m, 489m, 3_900L), (day.Start, day.Open, day.Close, day.Volume));
    }
}
