using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using Orchestrator.Core.Calendars;
using static Orchestrator.Adapters.Tests.Paper.PaperInputs;

namespace Orchestrator.Adapters.Tests.Paper;

/// <summary>
/// With exchange calendars the paper venue matches only in the regular session (issue 19): an order queued for
/// the open (a Day order placed in the pre-market, a GTC placed after the close) waits through pre- and
/// post-market prints and fills at or after the regular open.
/// </summary>
public sealed class PaperExchangeSessionTests
{
    private const int Krx = 0;  // XKRX: 09:00-15:30 KST, pre-market from 08:30
    private const int Aapl = 1; // XNYS: 09:30-16:00 New York time

    private readonly RecordingSink _sink = new();

    private static long Ns(int year, int month, int day, int hour, int minute) =>
        (new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks) * 100;

    private static PaperExchange Exchange(bool calendars) => new(new PaperExchangeOptions
    {
        SymbolCount = 2,
        SlippageBps = 0,
        Calendars = calendars ? [ExchangeCalendars.ForExchange("XKRX"), ExchangeCalendars.ForExchange("XNYS")] : null,
    });

    [Fact]
    public void DayOrderPlacedInThePreMarket_WaitsThroughPreMarketPrints_AndFillsAtTheOpen()
    {
        // Thursday 8 Feb 2024: 08:35 and 08:50 KST are pre-market (23:35, 23:50 UTC on the 7th), 09:00 KST opens.
        PaperExchange exchange = Exchange(calendars: true);
        exchange.OnMarketData(Trade(100_000_000, tsNs: Ns(2024, 2, 7, 23, 35), symbolId: Krx), _sink);
        exchange.Submit(Market(1, Side.Buy, 10, TimeInForce.Day, Krx), _sink);
        exchange.OnMarketData(Trade(99_000_000, tsNs: Ns(2024, 2, 7, 23, 50), symbolId: Krx), _sink);
        Assert.Equal(1, exchange.OpenOrderCount);
        Assert.Equal(0, exchange.GetPosition(Krx));

        long open = Ns(2024, 2, 8, 0, 0);
        exchange.OnMarketData(Trade(101_000_000, tsNs: open, symbolId: Krx), _sink);

        ReportAssert.Filled(_sink.Last, 1, ExecutionType.Fill, 10, 101_000_000, 0);
        Assert.Equal(open, _sink.Last.TsEventNs);
        Assert.Equal(10, exchange.GetPosition(Krx));
    }

    [Fact]
    public void GtcLimitPlacedAfterTheClose_IsNotFilledByPostMarketOrPreMarketPrints_ButByTheNextSession()
    {
        // Monday 8 Jan 2024 (EST): 17:00 post-market (22:00 UTC); Tuesday 08:00 pre-market (13:00 UTC); 09:30 opens (14:30 UTC).
        PaperExchange exchange = Exchange(calendars: true);
        exchange.OnMarketData(Trade(100_000_000, tsNs: Ns(2024, 1, 8, 21, 30), symbolId: Aapl), _sink);
        exchange.Submit(Limit(1, Side.Buy, 10, 99_000_000, TimeInForce.Gtc, Aapl), _sink);
        exchange.OnMarketData(Trade(98_000_000, tsNs: Ns(2024, 1, 8, 22, 0), symbolId: Aapl), _sink);
        exchange.OnMarketData(Bar(98_000_000, 98_000_000, 97_000_000, 97_500_000, tsNs: Ns(2024, 1, 9, 13, 0), symbolId: Aapl), _sink);
        exchange.OnMarketData(Quote(97_000_000, 100, 97_500_000, 100, tsNs: Ns(2024, 1, 9, 14, 29), symbolId: Aapl), _sink);
        Assert.Equal(1, exchange.OpenOrderCount);
        Assert.Equal(97_250_000, exchange.GetLastPrice(Aapl)); // the prints still set the last price

        exchange.OnMarketData(Trade(98_500_000, tsNs: Ns(2024, 1, 9, 14, 30), symbolId: Aapl), _sink);

        ReportAssert.Filled(_sink.Last, 1, ExecutionType.Fill, 10, 98_500_000, 0);
    }

    [Fact]
    public void OnAHoliday_NothingMatches()
    {
        // Friday 9 Feb 2024 is Seollal at KRX.
        PaperExchange exchange = Exchange(calendars: true);
        exchange.OnMarketData(Trade(100_000_000, tsNs: Ns(2024, 2, 8, 5, 0), symbolId: Krx), _sink);
        exchange.Submit(Limit(1, Side.Buy, 10, 99_000_000, TimeInForce.Gtc, Krx), _sink);
        exchange.OnMarketData(Trade(98_000_000, tsNs: Ns(2024, 2, 9, 2, 0), symbolId: Krx), _sink);
        Assert.Equal(1, exchange.OpenOrderCount);
        exchange.OnMarketData(Trade(98_000_000, tsNs: Ns(2024, 2, 13, 0, 5), symbolId: Krx), _sink);
        Assert.Equal(0, exchange.OpenOrderCount);
    }

    [Fact]
    public void WithoutCalendars_APreMarketPrintStillFills()
    {
        PaperExchange exchange = Exchange(calendars: false);
        exchange.OnMarketData(Trade(100_000_000, tsNs: Ns(2024, 2, 7, 23, 35), symbolId: Krx), _sink);
        exchange.Submit(Market(1, Side.Buy, 10, TimeInForce.Day, Krx), _sink);
        exchange.OnMarketData(Trade(99_000_000, tsNs: Ns(2024, 2, 7, 23, 50), symbolId: Krx), _sink);
        ReportAssert.Filled(_sink.Last, 1, ExecutionType.Fill, 10, 99_000_000, 0);
    }
}
