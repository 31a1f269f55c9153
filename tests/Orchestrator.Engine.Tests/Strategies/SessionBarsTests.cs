using Orchestrator.Core;
using Orchestrator.Core.Calendars;
using Orchestrator.Engine.Strategies;
using Orchestrator.Engine.Tests.Support;
using Orchestrator.Strategies;

namespace Orchestrator.Engine.Tests.Strategies;

/// <summary>
/// Issue 20, multiple timeframes: bars follow the exchange's session when the engine runs on exchange calendars
/// (a 1d bar is the exchange's local day; shorter bars are anchored at the regular open and cut at the open and the
/// close), and stay aligned to the epoch in UTC without calendars. Feed bars add their whole OHLCV.
/// </summary>
public sealed class SessionBarsTests
{
    private const long Minute = 60 * EngineHarness.Second;
    private static readonly ExchangeCalendar s_nyse = ExchangeCalendars.ForExchange("XNYS");
    private static readonly ExchangeCalendar s_krx = ExchangeCalendars.ForExchange("XKRX");

    private static long Utc(int year, int month, int day, int hour, int minute) =>
        (new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks) * 100;

    private static (long Start, long End) Bounds(string timeframe, ExchangeCalendar? calendar, long tsNs)
    {
        BarBounds.Of(Timeframe.Parse(timeframe), calendar, tsNs, out long start, out long end);
        return (start, end);
    }

    [Fact]
    public void Nyse_HourBars_StartAtTheOpen_AndTheLastIsCutAtTheEarlyClose()
    {
        // Wednesday 3 July 2024, New York on EDT (UTC−4), an early close at 13:00.
        Assert.Equal((Utc(2024, 7, 3, 13, 30), Utc(2024, 7, 3, 14, 30)), Bounds("1h", s_nyse, Utc(2024, 7, 3, 13, 45))); // 09:45 → 09:30–10:30
        Assert.Equal((Utc(2024, 7, 3, 16, 30), Utc(2024, 7, 3, 17, 0)), Bounds("1h", s_nyse, Utc(2024, 7, 3, 16, 40)));  // 12:40 → 12:30–13:00 (the close)
        Assert.Equal((Utc(2024, 7, 3, 17, 0), Utc(2024, 7, 3, 17, 30)), Bounds("1h", s_nyse, Utc(2024, 7, 3, 17, 10)));   // 13:10, post-market → 13:00–13:30
        Assert.Equal((Utc(2024, 7, 3, 12, 30), Utc(2024, 7, 3, 13, 30)), Bounds("1h", s_nyse, Utc(2024, 7, 3, 12, 50)));  // 08:50, pre-market → 08:30–09:30

        // An ordinary day: the last regular hour bar is 15:30–16:00; without a calendar the UTC clock hour.
        Assert.Equal((Utc(2024, 7, 2, 19, 30), Utc(2024, 7, 2, 20, 0)), Bounds("1h", s_nyse, Utc(2024, 7, 2, 19, 45)));
        Assert.Equal((Utc(2024, 7, 2, 19, 0), Utc(2024, 7, 2, 20, 0)), Bounds("1h", null, Utc(2024, 7, 2, 19, 45)));

        // Five-minute bars are unchanged by the anchor (09:30 is on the five-minute grid).
        Assert.Equal((Utc(2024, 7, 2, 13, 35), Utc(2024, 7, 2, 13, 40)), Bounds("5m", s_nyse, Utc(2024, 7, 2, 13, 37)));
    }

    [Fact]
    public void DayBars_AreTheExchangesLocalDay_WithDaylightSaving()
    {
        // NYSE: midnight New York time, 04:00 UTC in July (EDT), 05:00 UTC in January (EST); a post-market trade
        // belongs to its trading day even when UTC has moved on to the next date.
        Assert.Equal((Utc(2024, 7, 2, 4, 0), Utc(2024, 7, 3, 4, 0)), Bounds("1d", s_nyse, Utc(2024, 7, 2, 23, 30)));
        Assert.Equal((Utc(2024, 1, 9, 5, 0), Utc(2024, 1, 10, 5, 0)), Bounds("1d", s_nyse, Utc(2024, 1, 10, 0, 30))); // 19:30 EST on the 9th
        Assert.Equal((Utc(2024, 1, 10, 0, 0), Utc(2024, 1, 11, 0, 0)), Bounds("1d", null, Utc(2024, 1, 10, 0, 30)));   // UTC without a calendar

        // KRX: midnight KST is 15:00 UTC the day before.
        Assert.Equal((Utc(2024, 11, 13, 15, 0), Utc(2024, 11, 14, 15, 0)), Bounds("1d", s_krx, Utc(2024, 11, 14, 6, 0)));
    }

    [Fact]
    public void Krx_LateOpenDay_HourBarsStartAtTheLateOpen_AndEndAtTheLateClose()
    {
        // 14 November 2024 (college entrance exam): the session is 10:00–16:30 KST (01:00–07:30 UTC).
        Assert.Equal((Utc(2024, 11, 14, 1, 0), Utc(2024, 11, 14, 2, 0)), Bounds("1h", s_krx, Utc(2024, 11, 14, 1, 15)));
        Assert.Equal((Utc(2024, 11, 14, 7, 0), Utc(2024, 11, 14, 7, 30)), Bounds("1h", s_krx, Utc(2024, 11, 14, 7, 10)));
        Assert.Equal((Utc(2024, 11, 14, 0, 0), Utc(2024, 11, 14, 1, 0)), Bounds("1h", s_krx, Utc(2024, 11, 14, 0, 30))); // pre-market 09:30 → 09:00–10:00
    }

    [Fact]
    public void OneMinuteFeedBars_AggregateToFiveMinutes_WithTheirOpenHighLowAndVolume()
    {
        var bars = new BarAggregator(1, [Timeframe.FiveMinutes]);
        long t = Utc(2024, 7, 2, 13, 30);
        (decimal O, decimal H, decimal L, decimal C, long V)[] input =
        [
            (10m, 12m, 9m, 11m, 100), (11m, 15m, 10.5m, 14m, 50), (14m, 14.5m, 8m, 9m, 70), (9m, 10m, 8.5m, 9.5m, 30), (9.5m, 11m, 9m, 10m, 20),
        ];
        for (int i = 0; i < input.Length; i++)
        {
            Assert.False(bars.TryClose(0, 0, t + (i * Minute), out _));
            bars.Add(FeedBar(t + (i * Minute), input[i]));
        }

        Assert.True(bars.TryClose(0, 0, t + (5 * Minute), out Bar bar));
        Assert.Equal((t, t + (5 * Minute)), (bar.StartNs, bar.EndNs));
        Assert.Equal((10m, 15m, 8m, 10m, 270L), (FixedPoint.ToDecimal(bar.OpenRaw), FixedPoint.ToDecimal(bar.HighRaw), FixedPoint.ToDecimal(bar.LowRaw), FixedPoint.ToDecimal(bar.CloseRaw), bar.Volume));
    }

    [Fact]
    public void Aggregator_WithTheNyseCalendar_ClosesTheLastHourAtTheClose_NotAnHourAfterItsStart()
    {
        var bars = new BarAggregator(1, [Timeframe.OneHour], [s_nyse]);
        bars.Add(FeedBar(Utc(2024, 7, 2, 19, 45), (10m, 10m, 10m, 10m, 1))); // 15:45 EDT: the 15:30–16:00 bar
        Assert.False(bars.TryClose(0, 0, Utc(2024, 7, 2, 19, 59), out _));
        Assert.True(bars.TryClose(0, 0, Utc(2024, 7, 2, 20, 0), out Bar bar)); // 16:00, post-market: a new bar
        Assert.Equal((Utc(2024, 7, 2, 19, 30), Utc(2024, 7, 2, 20, 0)), (bar.StartNs, bar.EndNs));
    }

    [Fact]
    public void StrategyBars_FollowTheSession_WhenTheEngineRunsOnExchangeCalendars()
    {
        var strategy = new ScriptedStrategy { WantedTimeframes = [Timeframe.OneDay] };
        var h = new EngineHarness(EngineHarness.DefaultOptions() with
        {
            UseExchangeCalendars = true,
            Strategies = [new StrategyRegistration("scripted", strategy, ["AAPL"])],
        });

        h.Trade(0, 100m, Utc(2024, 7, 2, 14, 0));
        h.Trade(0, 104m, Utc(2024, 7, 2, 23, 30)); // 19:30 New York: the 2nd's post-market
        h.Trade(0, 101m, Utc(2024, 7, 3, 1, 0));   // 21:00 New York on the 2nd: still the 2nd's bar, though UTC is on the 3rd
        Assert.Empty(strategy.Bars);
        h.Trade(0, 99m, Utc(2024, 7, 3, 13, 30));  // the 3rd's open closes it
        Bar bar = Assert.Single(strategy.Bars);
        Assert.Equal((Utc(2024, 7, 2, 4, 0), Utc(2024, 7, 3, 4, 0)), (bar.StartNs, bar.EndNs));
        Assert.Equal((100m, 104m, 101m), (FixedPoint.ToDecimal(bar.OpenRaw), FixedPoint.ToDecimal(bar.HighRaw), FixedPoint.ToDecimal(bar.CloseRaw)));
    }

    private static EngineEvent FeedBar(long tsNs, (decimal O, decimal H, decimal L, decimal C, long V) b) => new()
    {
        Kind = EventKind.Bar,
        SymbolId = 0,
        TsEventNs = tsNs,
        OpenRaw = FixedPoint.FromDecimal(b.O),
        HighRaw = FixedPoint.FromDecimal(b.H),
        LowRaw = FixedPoint.FromDecimal(b.L),
        PriceRaw = FixedPoint.FromDecimal(b.C),
        Size = b.V,
    };
}
