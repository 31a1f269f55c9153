using Orchestrator.Core;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>The session rule by each symbol's exchange calendar (issue 19): refuse or queue by time in force.</summary>
public sealed class RiskSessionCalendarTests
{
    private const int Krx = 0;  // 005930: XKRX, 09:00-15:30 KST
    private const int Aapl = 1; // XNYS, 09:30-16:00 New York time

    private static long Ns(int year, int month, int day, int hour, int minute) =>
        (new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks) * 100;

    private static EngineHarness Harness(bool calendars)
    {
        var h = new EngineHarness(EngineHarness.DefaultOptions() with { Symbols = ["005930", "AAPL"], UseExchangeCalendars = calendars });
        h.Trade(Krx, 100m, Ns(2024, 2, 8, 0, 0));
        h.Trade(Aapl, 100m, Ns(2024, 2, 8, 0, 0));
        return h;
    }

    private static RejectReason Signal(EngineHarness h, int symbol, long tsNs, TimeInForce tif) =>
        h.Process(new EngineEvent
        {
            Kind = EventKind.TradeSignal,
            SymbolId = symbol,
            SignalSide = Side.Buy,
            ConfidencePpm = 900_000,
            SignalPriceRaw = FixedPoint.FromDecimal(100m),
            SignalOrderType = OrderType.Limit,
            SignalTif = tif,
            SignalId = tsNs,
            TsEventNs = tsNs,
        }).Reject;

    [Theory]
    // KRX, Thursday 8 Feb 2024: 08:45 KST pre-market, 10:00 regular, 16:00 after the close.
    [InlineData(Krx, 2024, 2, 7, 23, 45, TimeInForce.Day, RejectReason.None)]           // pre-open: queued for today's open
    [InlineData(Krx, 2024, 2, 7, 23, 45, TimeInForce.Ioc, RejectReason.OutsideSession)] // cannot wait
    [InlineData(Krx, 2024, 2, 8, 1, 0, TimeInForce.Ioc, RejectReason.None)]
    [InlineData(Krx, 2024, 2, 8, 7, 0, TimeInForce.Day, RejectReason.OutsideSession)]  // after the close: would only expire
    [InlineData(Krx, 2024, 2, 8, 7, 0, TimeInForce.Gtc, RejectReason.None)]            // queued for the next open
    // KRX, Friday 9 Feb 2024 at 11:00 KST: Seollal.
    [InlineData(Krx, 2024, 2, 9, 2, 0, TimeInForce.Day, RejectReason.OutsideSession)]
    [InlineData(Krx, 2024, 2, 9, 2, 0, TimeInForce.Fok, RejectReason.OutsideSession)]
    [InlineData(Krx, 2024, 2, 9, 2, 0, TimeInForce.Gtc, RejectReason.None)]
    // NYSE: Friday 29 Nov 2024 (half day, 13:00 EST = 18:00 UTC): 12:59 and 13:00 EST.
    [InlineData(Aapl, 2024, 11, 29, 17, 59, TimeInForce.Day, RejectReason.None)]
    [InlineData(Aapl, 2024, 11, 29, 18, 0, TimeInForce.Day, RejectReason.OutsideSession)]
    // NYSE in summer time: Monday 11 Mar 2024, 15:59 and 16:00 EDT (19:59 and 20:00 UTC).
    [InlineData(Aapl, 2024, 3, 11, 19, 59, TimeInForce.Ioc, RejectReason.None)]
    [InlineData(Aapl, 2024, 3, 11, 20, 0, TimeInForce.Ioc, RejectReason.OutsideSession)]
    // Beyond the calendar's years no session is known: even a GTC order has no open to wait for.
    [InlineData(Aapl, 2028, 1, 3, 15, 0, TimeInForce.Gtc, RejectReason.OutsideSession)]
    public void Signal_ByTheExchangeCalendar_IsRefusedOrQueuedByItsTimeInForce(int symbol, int year, int month, int day, int hour, int minute, TimeInForce tif, RejectReason expected)
    {
        EngineHarness h = Harness(calendars: true);
        long ts = Ns(year, month, day, hour, minute);
        h.Trade(symbol, 100m, ts);
        Assert.Equal(expected, Signal(h, symbol, ts, tif));
    }

    [Fact]
    public void Signal_OnAKrxHoliday_PassesOnTheUtcRules()
    {
        // The defect the calendars fix: without them a Day order on Seollal is taken.
        EngineHarness h = Harness(calendars: false);
        long ts = Ns(2024, 2, 9, 2, 0);
        h.Trade(Krx, 100m, ts);
        Assert.Equal(RejectReason.None, Signal(h, Krx, ts, TimeInForce.Day));
    }
}
