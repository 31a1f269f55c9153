using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>
/// Risk's daily counters (daily loss, orders per day) roll at each exchange's local midnight when the engine
/// runs on exchange calendars (issue 19), not at UTC midnight: the KRX day starts 00:00 KST, the NYSE day
/// 00:00 New York time.
/// </summary>
public sealed class RiskTradingDayTests
{
    private const int Krx = 0;  // 005930: XKRX
    private const int Aapl = 1; // XNYS

    private static long Ns(int year, int month, int day, int hour, int minute) =>
        (new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks) * 100;

    private static EngineHarness Harness(bool calendars, int maxOrdersPerDay = 0, decimal maxDailyLoss = 0m, bool startAudit = false)
    {
        var defaults = EngineHarness.DefaultOptions();
        return new EngineHarness(
            defaults with
            {
                Symbols = ["005930", "AAPL"],
                UseExchangeCalendars = calendars,
                Risk = defaults.Risk with { MaxOrdersPerDay = maxOrdersPerDay, MaxDailyLossFraction = maxDailyLoss },
            },
            startAudit);
    }

    private static RejectReason Signal(EngineHarness h, int symbol, long tsNs, TimeInForce tif = TimeInForce.Day) =>
        h.Process(new EngineEvent
        {
            Kind = EventKind.TradeSignal,
            SymbolId = symbol,
            SignalSide = Side.Buy,
            ConfidencePpm = 900_000,
            SignalOrderType = OrderType.Market,
            SignalTif = tif,
            SignalId = tsNs,
            TsEventNs = tsNs,
        }).Reject;

    [Fact]
    public void OrdersPerDay_CountThePreMarketAndTheSessionOfOneKrxDay_AcrossUtcMidnight()
    {
        // Thursday 8 Feb 2024: 08:45 KST is 23:45 UTC on the 7th; 10:00 KST is 01:00 UTC on the 8th.
        EngineHarness h = Harness(calendars: true, maxOrdersPerDay: 2);
        long preMarket = Ns(2024, 2, 7, 23, 45);
        h.Trade(Krx, 100m, preMarket);
        Assert.Equal(RejectReason.None, Signal(h, Krx, preMarket));
        Assert.Equal(RejectReason.None, Signal(h, Krx, preMarket + 1));
        long session = Ns(2024, 2, 8, 1, 0);
        h.Trade(Krx, 100m, session);
        Assert.Equal(RejectReason.RateLimitPerDay, Signal(h, Krx, session)); // the same KRX day: UTC midnight gave two more
    }

    [Fact]
    public void OrdersPerDay_OfTheNextKrxDay_StartAtKstMidnight()
    {
        // Wednesday 7 Feb 2024 14:00 KST (05:00 UTC): the day's two orders; Thursday 08:45 KST (23:45 UTC on the
        // 7th, the same UTC day) is a new KRX day with its own two.
        EngineHarness h = Harness(calendars: true, maxOrdersPerDay: 2);
        long wednesday = Ns(2024, 2, 7, 5, 0);
        h.Trade(Krx, 100m, wednesday);
        Assert.Equal(RejectReason.None, Signal(h, Krx, wednesday));
        Assert.Equal(RejectReason.None, Signal(h, Krx, wednesday + 1));
        Assert.Equal(RejectReason.RateLimitPerDay, Signal(h, Krx, wednesday + 2));
        long thursday = Ns(2024, 2, 7, 23, 45);
        h.Trade(Krx, 100m, thursday);
        Assert.Equal(RejectReason.None, Signal(h, Krx, thursday));
        Assert.Equal(RejectReason.None, Signal(h, Krx, thursday + 1));
        Assert.Equal(RejectReason.RateLimitPerDay, Signal(h, Krx, thursday + 2));
    }

    [Fact]
    public void DailyLoss_InNewYorksPostMarket_IsNotForgottenAtUtcMidnight()
    {
        // Monday 8 Jan 2024 (EST, UTC-5): bought at 100 at 15:00 New York time, marked 80 at 18:50 (a loss of 200,
        // the limit is 100); 19:10 New York time is 00:10 UTC on Tuesday, still Monday's trading day.
        EngineHarness h = Harness(calendars: true, maxDailyLoss: 0.001m);
        long bought = Ns(2024, 1, 8, 20, 0);
        h.Trade(Aapl, 100m, bought);
        h.Open(Aapl, Side.Buy, 100m, bought);
        h.Trade(Aapl, 80m, Ns(2024, 1, 8, 23, 50));
        long afterUtcMidnight = Ns(2024, 1, 9, 0, 10);
        h.Trade(Aapl, 80m, afterUtcMidnight);
        Assert.Equal(RejectReason.MaxDailyLoss, Signal(h, Aapl, afterUtcMidnight, TimeInForce.Gtc));

        // New York midnight (05:00 UTC) starts Tuesday's day from the equity then: the loss is yesterday's.
        long tuesday = Ns(2024, 1, 9, 5, 1);
        h.Trade(Aapl, 80m, tuesday);
        Assert.Equal(RejectReason.None, Signal(h, Aapl, tuesday, TimeInForce.Gtc));
    }

    [Fact]
    public void EachExchangesDay_StartsOnce_AtItsOwnLocalMidnight()
    {
        EngineHarness h = Harness(calendars: true, startAudit: true);
        h.Trade(Aapl, 100m, Ns(2024, 1, 8, 12, 0));  // Monday: both days start
        h.Trade(Aapl, 100m, Ns(2024, 1, 8, 14, 59)); // nothing
        h.Trade(Aapl, 100m, Ns(2024, 1, 8, 15, 0));  // 00:00 KST Tuesday
        h.Trade(Aapl, 100m, Ns(2024, 1, 9, 0, 0));   // UTC midnight: nothing
        h.Trade(Aapl, 100m, Ns(2024, 1, 9, 5, 0));   // 00:00 EST Tuesday
        h.Engine.Audit.Shutdown(TimeSpan.FromSeconds(30));
        var started = h.Audit.Lines.Where(l => l.Record.Kind == AuditKind.DayStarted).Select(l => l.Record.TsEventNs).ToList();
        Assert.Equal([Ns(2024, 1, 8, 12, 0), Ns(2024, 1, 8, 12, 0), Ns(2024, 1, 8, 15, 0), Ns(2024, 1, 9, 5, 0)], started);
    }

    [Fact]
    public void WithoutCalendars_TheDayStillRollsAtUtcMidnight()
    {
        EngineHarness h = Harness(calendars: false, maxOrdersPerDay: 2);
        long before = Ns(2024, 2, 7, 23, 45);
        h.Trade(Krx, 100m, before);
        Assert.Equal(RejectReason.None, Signal(h, Krx, before));
        Assert.Equal(RejectReason.None, Signal(h, Krx, before + 1));
        long after = Ns(2024, 2, 8, 1, 0);
        h.Trade(Krx, 100m, after);
        Assert.Equal(RejectReason.None, Signal(h, Krx, after));
    }
}
