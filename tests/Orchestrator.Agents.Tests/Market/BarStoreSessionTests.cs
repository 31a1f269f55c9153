using Orchestrator.Agents.Market;
using Orchestrator.Core;
using Orchestrator.Core.Calendars;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;
using Orchestrator.Strategies;
using Orchestrator.Strategies.Testing;
using static Orchestrator.Agents.Tests.Llm.LlmStrategyRig;
using Bar = Orchestrator.Agents.Market.Bar;
using StrategyBar = Orchestrator.Strategies.Bar;

namespace Orchestrator.Agents.Tests.Market;

/// <summary>
/// Issue 20: with <c>calendars: exchange</c> the agents' bar store (data_agent, strategy_agent, the LLM prompt's bars)
/// aggregates on the engine's session grid (<see cref="SessionBars"/>): the same trades give the store the bars an
/// engine running on exchange calendars gives its strategies, on NYSE across the March 2024 daylight-saving change and
/// the 3 July half day, and on KRX across the late-open exam day.
/// </summary>
public sealed class BarStoreSessionTests
{
    private const string Nyse = "AAPL";
    private const string Krx = "005930"; // six digits: a KRX instrument

    private static readonly Timeframe[] s_timeframes =
        [Timeframe.FiveMinutes, Timeframe.Parse("45m"), Timeframe.OneHour, Timeframe.OneDay, Timeframe.Parse("2d")];

    private static long Utc(int year, int month, int day, int hour, int minute) =>
        (new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks) * 100;

    [Fact]
    public void WithExchangeCalendars_TheStoresBars_AreTheEnginesBars_OnNyseAndKrx()
    {
        (TradingEngine engine, BarRecorder recorder) = Engine();
        MarketTick[] trades = Trades(engine);
        BarStore[] stores = [.. s_timeframes.Select(tf => Store(tf, symbol => BarStore.CalendarOf(engine, symbol)))];
        Feed(engine, stores, trades);

        for (int t = 0; t < s_timeframes.Length; t++)
        {
            foreach (string symbol in new[] { Nyse, Krx })
            {
                Bar[] expected = recorder.Closed(engine.Symbols.GetId(symbol), s_timeframes[t]);
                Assert.True(expected.Length > 1, $"{symbol} {s_timeframes[t]}: too few engine bars to compare ({expected.Length})");
                Assert.Equal(expected, stores[t].GetBars(symbol, stores[t].CapacityPerSymbol));
                Assert.Equal(0, stores[t].LateTrades + stores[t].Refused);
            }
        }

        IReadOnlyList<Bar> nyseHours = stores[2].GetBars(Nyse, 10_000);
        IReadOnlyList<Bar> krxHours = stores[2].GetBars(Krx, 10_000);
        IReadOnlyList<Bar> nyseDays = stores[3].GetBars(Nyse, 10_000);
        Assert.Contains(nyseHours, b => b.StartNs == Utc(2024, 7, 3, 16, 30)); // the half day's last regular hour, 12:30–13:00 EDT …
        Assert.Contains(nyseHours, b => b.StartNs == Utc(2024, 7, 3, 17, 0));  // … then the post-market from the early close
        Assert.Contains(nyseHours, b => b.StartNs == Utc(2024, 3, 8, 14, 30)); // 09:30 EST (UTC−5) before the change …
        Assert.Contains(nyseHours, b => b.StartNs == Utc(2024, 3, 11, 13, 30)); // … 09:30 EDT (UTC−4) after it
        Assert.Contains(nyseDays, b => b.StartNs == Utc(2024, 3, 8, 5, 0));    // New York's midnight, EST
        Assert.Contains(nyseDays, b => b.StartNs == Utc(2024, 3, 11, 4, 0));   // and EDT
        Assert.Contains(krxHours, b => b.StartNs == Utc(2024, 11, 14, 1, 0)); // 10:00 KST: the exam day's late open
        Assert.Contains(krxHours, b => b.StartNs == Utc(2024, 11, 14, 7, 0)); // 16:00–16:30 KST, cut at its late close
    }

    [Fact]
    public void WithoutACalendar_TheStoreStaysOnTheEpochGrid_WhichIsNotTheSessionGrid()
    {
        (TradingEngine engine, BarRecorder recorder) = Engine();
        MarketTick[] trades = Trades(engine);
        BarStore utc = Store(Timeframe.OneHour, calendarOf: null);
        Feed(engine, [utc], trades);

        Bar[] session = recorder.Closed(engine.Symbols.GetId(Nyse), Timeframe.OneHour);
        IReadOnlyList<Bar> epoch = utc.GetBars(Nyse, 10_000);
        Assert.NotEqual(session, epoch); // the comparison above can fail: the UTC clock's hours are other bars
        Assert.All(epoch, b => Assert.Equal(0, b.StartNs % (3_600 * Second)));
        Assert.DoesNotContain(epoch, b => b.StartNs == Utc(2024, 7, 3, 16, 30));
    }

    [Fact]
    public void OnTrade_WithACalendar_AllocatesNothing_AsSessionBarsFormAndComplete()
    {
        var store = new BarStore(TimeSpan.FromMinutes(45), capacityPerSymbol: 64, calendarOf: _ => ExchangeCalendars.ForExchange("XNYS"));
        long t0 = Utc(2024, 7, 1, 8, 0);
        for (int i = 0; i < 1_000; i++)
        {
            store.OnTrade(Nyse, 100m + (i % 7), 10, t0 + (i * 20 * Second)); // the symbol becomes known, the ring fills
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1_000; i < 101_000; i++)
        {
            store.OnTrade(Nyse, 100m + (i % 7), 10, t0 + (i * 20 * Second)); // 23 days of trades every 20 s: sessions, nights, a holiday, a half day
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(0, store.LateTrades + store.Refused);
        Assert.Equal(64, store.GetBars(Nyse, 1_000).Count);
    }

    private static (TradingEngine Engine, BarRecorder Recorder) Engine()
    {
        var recorder = new BarRecorder();
        EngineOptions options = StrategyTestRig.Options([Nyse, Krx], new StrategyRegistration("bars", recorder, [Nyse, Krx])) with { UseExchangeCalendars = true };
        return (new TradingEngine(options, NullAuditWriter.Instance), recorder);
    }

    private static BarStore Store(Timeframe timeframe, Func<string, ExchangeCalendar?>? calendarOf) =>
        new(TimeSpan.FromTicks(timeframe.DurationNs / 100), capacityPerSymbol: 10_000, calendarOf: calendarOf);

    private static void Feed(TradingEngine engine, BarStore[] stores, MarketTick[] trades)
    {
        long sequence = 0;
        foreach (MarketTick trade in trades)
        {
            Process(engine, ref sequence, trade);
            foreach (BarStore store in stores)
            {
                Assert.True(store.OnTrade(engine.Symbols.GetName(trade.SymbolId), FixedPoint.ToDecimal(trade.PriceRaw), trade.Size, trade.TsEventNs));
            }
        }
    }

    /// <summary>
    /// Trades every 7 minutes and a few seconds, pre-market to after the post-market: NYSE on 7–8 March 2024 (EST), 11 March
    /// (EDT, the first session after the change) and 2–5 July (3 July closes at 13:00, 4 July is a holiday); KRX on
    /// 11–15 November 2024 (the 14th opens at 10:00 and closes at 16:30). A price walk with cents, volumes that vary.
    /// </summary>
    private static MarketTick[] Trades(TradingEngine engine)
    {
        var trades = new List<MarketTick>();
        int nyse = engine.Symbols.GetId(Nyse), krx = engine.Symbols.GetId(Krx);
        (int Symbol, long From, long To)[] windows =
        [
            (nyse, Utc(2024, 3, 7, 8, 0), Utc(2024, 3, 9, 2, 0)),
            (nyse, Utc(2024, 3, 11, 7, 0), Utc(2024, 3, 12, 2, 0)),
            (nyse, Utc(2024, 7, 2, 7, 0), Utc(2024, 7, 6, 1, 0)),
            (krx, Utc(2024, 11, 10, 23, 0), Utc(2024, 11, 15, 10, 0)),
        ];
        uint seed = 12_345;
        decimal price = 100m;
        foreach ((int symbol, long from, long to) in windows)
        {
            for (long t = from; t < to; t += (7 * Minute) + (((t / Minute) % 11) * Second))
            {
                seed = (seed * 1_103_515_245) + 12_345;
                price = Math.Max(1m, price + ((((int)(seed >> 16) % 41) - 20) / 100m));
                trades.Add(Trade(symbol, t, price, 1 + (seed % 500)));
            }
        }

        trades.Sort(static (a, b) => a.TsEventNs.CompareTo(b.TsEventNs));
        return [.. trades];
    }

    /// <summary>Records the engine's closed bars, as the store's bars (decimal prices).</summary>
    private sealed class BarRecorder : IStrategy
    {
        private readonly List<(int Symbol, long Timeframe, Bar Bar)> _bars = [];

        public StrategyThreading Threading => StrategyThreading.FastPath;

        public IReadOnlyList<Timeframe> Timeframes => s_timeframes;

        public Bar[] Closed(int symbolId, Timeframe timeframe) =>
            [.. _bars.Where(b => b.Symbol == symbolId && b.Timeframe == timeframe.DurationNs).Select(b => b.Bar)];

        public void OnStart(IStrategyContext context)
        {
        }

        public void OnTick(in Tick tick)
        {
        }

        public void OnBar(in StrategyBar bar) => _bars.Add((bar.SymbolId, bar.Timeframe.DurationNs,
            new Bar(bar.StartNs, FixedPoint.ToDecimal(bar.OpenRaw), FixedPoint.ToDecimal(bar.HighRaw), FixedPoint.ToDecimal(bar.LowRaw), FixedPoint.ToDecimal(bar.CloseRaw), bar.Volume)));

        public void OnOrderUpdate(in OrderUpdate update)
        {
        }

        public void OnFill(in Fill fill)
        {
        }

        public void OnTimer(long eventTimeNs)
        {
        }
    }
}
