using Orchestrator.Core;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>
/// The price collar's reference (the day's first trade, <see cref="State.MarketState.ReferenceRaw"/>) restarts at
/// each symbol's exchange's local midnight when the engine runs on exchange calendars (issue 19), as risk's daily
/// counters do (<see cref="RiskTradingDayTests"/>): a KRX symbol's reference restarts at 00:00 KST, not at UTC
/// midnight, and another exchange's symbols keep theirs.
/// </summary>
public sealed class CollarTradingDayTests
{
    private const int Krx = 0;  // 005930: XKRX
    private const int Aapl = 1; // XNYS

    private static long Ns(int year, int month, int day, int hour, int minute) =>
        (new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks) * 100;

    private static EngineHarness Harness(bool calendars)
    {
        var defaults = EngineHarness.DefaultOptions();
        return new EngineHarness(defaults with
        {
            Symbols = ["005930", "AAPL"],
            UseExchangeCalendars = calendars,
            Risk = defaults.Risk with { PriceCollarFraction = 0.05m, DuplicateWindow = TimeSpan.Zero },
        });
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
    public void KrxReference_RestartsAtKstMidnight_NotAtUtcMidnight()
    {
        // Wednesday 7 Feb 2024 14:00 KST (05:00 UTC): the day's reference is 100. Thursday 08:45 KST is 23:45 UTC on
        // the 7th, the same UTC day but a new KRX day: 120 is Thursday's reference, not a 20% move.
        EngineHarness h = Harness(calendars: true);
        h.Trade(Krx, 100m, Ns(2024, 2, 7, 5, 0));
        long thursday = Ns(2024, 2, 7, 23, 45);
        h.Trade(Krx, 120m, thursday);
        Assert.Equal(120m, FixedPoint.ToDecimal(h.Engine.Market.ReferenceRaw(Krx)));
        Assert.Equal(RejectReason.None, Signal(h, Krx, thursday));
    }

    [Fact]
    public void KrxReference_IsKeptAcrossUtcMidnight_WithinOneKrxDay()
    {
        // Thursday 8 Feb 2024 08:45 KST (23:45 UTC on the 7th) sets the reference at 100; 10:00 KST (01:00 UTC on
        // the 8th) is the same KRX day: a trade at 120 is 20% off the day's reference and the collar refuses.
        EngineHarness h = Harness(calendars: true);
        h.Trade(Krx, 100m, Ns(2024, 2, 7, 23, 45));
        long session = Ns(2024, 2, 8, 1, 0);
        h.Trade(Krx, 120m, session);
        Assert.Equal(100m, FixedPoint.ToDecimal(h.Engine.Market.ReferenceRaw(Krx)));
        Assert.Equal(RejectReason.PriceCollar, Signal(h, Krx, session));
    }

    [Fact]
    public void KstMidnight_LeavesTheUsReference()
    {
        // Monday 8 Jan 2024: AAPL's reference 100 at 14:00 UTC (09:00 New York). 15:00 UTC is 00:00 KST Tuesday: the
        // KRX day restarts, New York's does not, so AAPL at 120 is still 20% off its day's reference.
        EngineHarness h = Harness(calendars: true);
        h.Trade(Aapl, 100m, Ns(2024, 1, 8, 14, 0));
        h.Trade(Krx, 50_000m, Ns(2024, 1, 8, 15, 0));
        long later = Ns(2024, 1, 8, 16, 0);
        h.Trade(Aapl, 120m, later);
        Assert.Equal(100m, FixedPoint.ToDecimal(h.Engine.Market.ReferenceRaw(Aapl)));
        Assert.Equal(50_000m, FixedPoint.ToDecimal(h.Engine.Market.ReferenceRaw(Krx)));
        Assert.Equal(RejectReason.PriceCollar, Signal(h, Aapl, later, TimeInForce.Gtc));
    }

    [Fact]
    public void WithoutCalendars_TheReferenceStillRestartsAtUtcMidnight()
    {
        EngineHarness h = Harness(calendars: false);
        h.Trade(Krx, 100m, Ns(2024, 2, 7, 23, 45));
        long after = Ns(2024, 2, 8, 0, 15);
        h.Trade(Krx, 120m, after);
        Assert.Equal(120m, FixedPoint.ToDecimal(h.Engine.Market.ReferenceRaw(Krx)));
        Assert.Equal(RejectReason.None, Signal(h, Krx, after));
    }
}
