using System.Globalization;
using System.Text;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Adapters.Paper;
using Orchestrator.Backtest;
using Orchestrator.Core;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Ring;
using Orchestrator.Strategies;

namespace Orchestrator.Daemon.Tests.Calendars;

/// <summary>
/// Exchange calendars end to end (issue 19): a KRX holiday, a US half day and a US daylight-saving change,
/// in a backtest and in a paced live replay of the same bar file on the paper venue.
/// </summary>
public sealed class ExchangeCalendarReplayTests : IDisposable
{
    private const string Krx = "005930";
    private const string Aapl = "AAPL";
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-cal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static long Ns(int year, int month, int day, int hour, int minute) =>
        (new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks) * 100;

    /// <summary>Ten-minute bars of <paramref name="symbol"/> from <paramref name="fromNs"/> up to <paramref name="toNs"/> (inclusive), each at one price.</summary>
    private static IEnumerable<(long Ts, string Symbol, decimal Price)> Bars(string symbol, long fromNs, long toNs, Func<long, decimal> price)
    {
        for (long ts = fromNs; ts <= toNs; ts += 600_000_000_000)
        {
            yield return (ts, symbol, price(ts));
        }
    }

    private string Write(IEnumerable<(long Ts, string Symbol, decimal Price)> bars)
    {
        var csv = new StringBuilder("timestamp,symbol,open,high,low,close,volume\n");
        foreach ((long ts, string symbol, decimal price) in bars.OrderBy(b => b.Ts))
        {
            DateTime t = DateTime.UnixEpoch.AddTicks(ts / 100);
            csv.Append(CultureInfo.InvariantCulture, $"{t:yyyy-MM-ddTHH:mm:ssZ},{symbol},{price},{price},{price},{price},100000\n");
        }

        string path = Path.Combine(_dir, "bars-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    private static EngineOptions Engine(CalendarProbe probe, bool calendars) => new()
    {
        Symbols = [Krx, Aapl],
        StartingCash = 1_000_000m,
        UseExchangeCalendars = calendars,
        Rules = new RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false },
        Risk = new RiskOptions { DuplicateWindow = TimeSpan.Zero, MaxOrdersPerSecond = 0, MaxOrdersPerMinute = 0, MaxOrdersPerDay = 0, PriceCollarFraction = 0.5m },
        Sizing = new SizingOptions { Method = SizingMethod.FixedQuantity, FixedQuantity = 10, ScaleByConfidence = false, MaxPositionFraction = 1m, MaxConcentrationFraction = 1m, MaxOrderNotional = 0m },
        Exits = new ExitOptions { StopLossFraction = 0m, TakeProfitFraction = 0m, TrailingStopFraction = 0m },
        Strategies = [new StrategyRegistration("calendar_probe", probe, [Krx, Aapl])],
    };

    private static void Backtest(string path, CalendarProbe probe, bool calendars)
    {
        var runner = new BacktestRunner(new BacktestOptions { Engine = Engine(probe, calendars), Paper = new PaperExchangeOptions { SymbolCount = 2 } });
        using var reader = new MarketDataFileReader(path, runner.Engine.Symbols);
        runner.Run(reader);
    }

    /// <summary>The daemon's `run --data FILE --ticks-per-second 2000` on the paper venue: a paced live replay.</summary>
    private static async Task PacedReplay(string path, CalendarProbe probe)
    {
        SessionOptions options = DaemonCli.BuildOptions(seed: 1, ticksPerSecond: 2_000, WaitStrategyKind.Blocking) with
        {
            DataFile = path,
            Engine = Engine(probe, calendars: true) with { WaitStrategy = WaitStrategyKind.Blocking },
            Paper = new PaperExchangeOptions { SymbolCount = 2, StartingCashRaw = FixedPoint.FromDecimal(1_000_000m) },
        };
        using var session = new TradingSession(options);
        session.Start("test");
        await session.FeedCompletion.WaitAsync(s_hang);
        Assert.Equal(ShutdownResult.Drained, session.Stop());
        Assert.Null(session.Fault);
    }

    // KRX: Thu 8 Feb 2024 trades, Fri 9 Feb is Seollal (bars in the file all the same), Tue 13 Feb trades; 09:00-15:20 KST.
    // NYSE: Fri 29 Nov 2024 closes at 13:00 EST (18:00 UTC); the file goes on to 15:50 EST, the price falling to 95 at 13:30.
    private static readonly long s_holidayDay = Ns(2024, 2, 9, 2, 0);      // 11:00 KST on Seollal
    private static readonly long s_holidayGtc = Ns(2024, 2, 9, 3, 0);
    private static readonly long s_krxOpenDay = Ns(2024, 2, 13, 1, 0);     // 10:00 KST
    private static readonly long s_halfDayMorning = Ns(2024, 11, 29, 17, 30); // 12:30 EST
    private static readonly long s_halfDayClose = Ns(2024, 11, 29, 18, 0);   // 13:00 EST
    private static readonly long s_halfDayAfternoon = Ns(2024, 11, 29, 19, 0); // 14:00 EST: a full day's session, but not this one's

    private string HolidayAndHalfDayFile()
    {
        var bars = new List<(long, string, decimal)>();
        foreach (int day in new[] { 8, 9, 13 })
        {
            bars.AddRange(Bars(Krx, Ns(2024, 2, day, 0, 0), Ns(2024, 2, day, 6, 20), _ => 100m));
        }

        bars.AddRange(Bars(Aapl, Ns(2024, 11, 29, 14, 30), Ns(2024, 11, 29, 20, 50), ts => ts < Ns(2024, 11, 29, 18, 30) ? 100m : 95m));
        return Write(bars);
    }

    private static CalendarProbe HolidayAndHalfDayProbe() => new(
        new(s_holidayDay, Krx, 101m, TimeInForce.Day),
        new(s_holidayGtc, Krx, 99m, TimeInForce.Gtc),
        new(s_krxOpenDay, Krx, 101m, TimeInForce.Day),
        new(s_halfDayMorning, Aapl, 97m, TimeInForce.Day),
        new(s_halfDayAfternoon, Aapl, 97m, TimeInForce.Day));

    private static void AssertHolidayAndHalfDay(CalendarProbe probe, bool paced)
    {
        // The KRX holiday: a Day order is refused with the reason; a GTC one is queued for the open (rests, never expires).
        Assert.Equal((SubmitStatus.Rejected, RejectReason.OutsideSession), (probe.Results[s_holidayDay].Status, probe.Results[s_holidayDay].Reject));
        SubmitResult gtc = probe.Results[s_holidayGtc];
        Assert.Equal(SubmitStatus.Accepted, gtc.Status);
        Assert.DoesNotContain(probe.Updates, u => u.ClientOrderId == gtc.ClientOrderId && u.ExecType is ExecutionType.Expired or ExecutionType.Rejected);

        // The next KRX trading day takes the order. In a backtest it fills at the next bar; at a pace the feed may
        // have shown the venue the day's last bar before the order arrives: then it expires at that day's close.
        SubmitResult open = probe.Results[s_krxOpenDay];
        Assert.Equal(SubmitStatus.Accepted, open.Status);
        if (paced && probe.Fills.Count == 0)
        {
            Assert.Single(probe.Updates, u => u.ClientOrderId == open.ClientOrderId && u.ExecType == ExecutionType.Expired && u.TsEventNs == Ns(2024, 2, 13, 6, 30)); // 15:30 KST
        }
        else
        {
            Fill fill = Assert.Single(probe.Fills);
            Assert.Equal((open.ClientOrderId, 10L), (fill.ClientOrderId, fill.Quantity));
        }

        // The US half day: the morning's Day order expires at 13:00 EST, before the price reaches its limit at 13:30.
        SubmitResult morning = probe.Results[s_halfDayMorning];
        Assert.Equal(SubmitStatus.Accepted, morning.Status);
        OrderUpdate expired = Assert.Single(probe.Updates, u => u.ClientOrderId == morning.ClientOrderId && u.ExecType == ExecutionType.Expired);
        Assert.Equal(s_halfDayClose, expired.TsEventNs);
        Assert.DoesNotContain(probe.Fills, f => f.ClientOrderId == morning.ClientOrderId);

        // And at 14:00 EST (inside a full day's session) a Day order is refused: this day has closed.
        Assert.Equal((SubmitStatus.Rejected, RejectReason.OutsideSession), (probe.Results[s_halfDayAfternoon].Status, probe.Results[s_halfDayAfternoon].Reject));
    }

    [Fact]
    public void Backtest_KrxHolidayRefusesDayOrders_AndUsHalfDayExpiresThemAtOnePm()
    {
        CalendarProbe probe = HolidayAndHalfDayProbe();
        Backtest(HolidayAndHalfDayFile(), probe, calendars: true);
        AssertHolidayAndHalfDay(probe, paced: false);
        Assert.Equal(Ns(2024, 2, 13, 1, 10), probe.Fills[0].TsEventNs); // the next bar after the order
    }

    [Fact]
    public void Backtest_WithoutCalendars_TradesTheHolidayAndFillsAfterTheHalfDayClose()
    {
        // The defect the calendars fix: on UTC rules the holiday order is taken and the half day's order fills at 13:30 EST.
        CalendarProbe probe = HolidayAndHalfDayProbe();
        Backtest(HolidayAndHalfDayFile(), probe, calendars: false);
        Assert.Equal(SubmitStatus.Accepted, probe.Results[s_holidayDay].Status);
        Assert.Contains(probe.Fills, f => f.ClientOrderId == probe.Results[s_halfDayMorning].ClientOrderId && f.TsEventNs == Ns(2024, 11, 29, 18, 30));
    }

    [Fact]
    public async Task PacedLiveReplay_KrxHolidayRefusesDayOrders_AndUsHalfDayExpiresThemAtOnePm()
    {
        CalendarProbe probe = HolidayAndHalfDayProbe();
        await PacedReplay(HolidayAndHalfDayFile(), probe);
        AssertHolidayAndHalfDay(probe, paced: true);
    }

    [Fact]
    public void Backtest_DayOrderTakenInTheKrxPreMarket_FillsAtTheOpen_NotOnAPreMarketBar()
    {
        // Thursday 8 Feb 2024: ten-minute bars from 08:30 KST (23:30 UTC on the 7th); a Day order at 08:40 KST waits
        // for the 09:00 open (the paper venue matched it on the 08:50 pre-market bar before).
        long order = Ns(2024, 2, 7, 23, 40);
        var probe = new CalendarProbe(new CalendarProbe.Order(order, Krx, 101m, TimeInForce.Day));
        Backtest(Write(Bars(Krx, Ns(2024, 2, 7, 23, 30), Ns(2024, 2, 8, 0, 20), _ => 100m)), probe, calendars: true);
        Assert.Equal(SubmitStatus.Accepted, probe.Results[order].Status);
        Fill fill = Assert.Single(probe.Fills);
        Assert.Equal(Ns(2024, 2, 8, 0, 0), fill.TsEventNs); // 09:00 KST
    }

    // 2024: New York moved to daylight saving on Sunday 10 March. Friday 8 March closes at 16:00 EST = 21:00 UTC,
    // Monday 11 March at 16:00 EDT = 20:00 UTC. The file has bars to 21:50 UTC both days.
    private static readonly long s_winterOrder = Ns(2024, 3, 8, 20, 30);  // 15:30 EST
    private static readonly long s_summerOrder = Ns(2024, 3, 11, 19, 30); // 15:30 EDT
    private static readonly long s_summerClose = Ns(2024, 3, 11, 20, 0);

    private string DstFile() => Write(
        Bars(Aapl, Ns(2024, 3, 8, 14, 30), Ns(2024, 3, 8, 21, 50), ts => ts < Ns(2024, 3, 8, 20, 50) ? 100m : 95m)
            .Concat(Bars(Aapl, Ns(2024, 3, 11, 13, 30), Ns(2024, 3, 11, 21, 50), ts => ts < Ns(2024, 3, 11, 20, 10) ? 100m : 95m)));

    private static CalendarProbe DstProbe() => new(
        new(s_winterOrder, Aapl, 97m, TimeInForce.Day),
        new(s_summerOrder, Aapl, 97m, TimeInForce.Day));

    [Fact]
    public void Backtest_AcrossTheDstChange_DayOrdersExpireAtFourPmNewYorkTime()
    {
        CalendarProbe probe = DstProbe();
        Backtest(DstFile(), probe, calendars: true);

        // Friday (EST): 20:50 UTC is 15:50 local, still in the session: the order fills.
        SubmitResult winter = probe.Results[s_winterOrder];
        Assert.Equal(SubmitStatus.Accepted, winter.Status);
        Fill fill = Assert.Single(probe.Fills);
        Assert.Equal((winter.ClientOrderId, Ns(2024, 3, 8, 20, 50)), (fill.ClientOrderId, fill.TsEventNs));

        // Monday (EDT): the session ended at 20:00 UTC; the order expired then, before the price fell at 20:10 UTC.
        SubmitResult summer = probe.Results[s_summerOrder];
        Assert.Equal(SubmitStatus.Accepted, summer.Status);
        OrderUpdate expired = Assert.Single(probe.Updates, u => u.ExecType == ExecutionType.Expired);
        Assert.Equal((summer.ClientOrderId, s_summerClose), (expired.ClientOrderId, expired.TsEventNs));
    }

    [Fact]
    public async Task PacedLiveReplay_AcrossTheDstChange_DayOrdersExpireAtFourPmNewYorkTime()
    {
        CalendarProbe probe = DstProbe();
        await PacedReplay(DstFile(), probe);

        // Friday (EST): the order lives to 21:00 UTC. At a pace it may reach the venue after the 20:50 bar, so it
        // either filled before the close or expired at exactly 21:00 UTC, never at 20:00.
        long winter = probe.Results[s_winterOrder].ClientOrderId;
        bool filled = probe.Fills.Any(f => f.ClientOrderId == winter && f.TsEventNs < Ns(2024, 3, 8, 21, 0));
        Assert.True(filled || probe.Updates.Any(u => u.ClientOrderId == winter && u.ExecType == ExecutionType.Expired && u.TsEventNs == Ns(2024, 3, 8, 21, 0)));
        Assert.DoesNotContain(probe.Updates, u => u.ClientOrderId == winter && u.ExecType == ExecutionType.Expired && u.TsEventNs != Ns(2024, 3, 8, 21, 0));

        // Monday (EDT): expired at 20:00 UTC, whatever the pace (the replay settles the engine before each close).
        OrderUpdate expired = Assert.Single(probe.Updates, u => u.ClientOrderId == probe.Results[s_summerOrder].ClientOrderId && u.ExecType == ExecutionType.Expired);
        Assert.Equal(s_summerClose, expired.TsEventNs);
        Assert.DoesNotContain(probe.Fills, f => f.ClientOrderId == probe.Results[s_summerOrder].ClientOrderId);
    }
}
