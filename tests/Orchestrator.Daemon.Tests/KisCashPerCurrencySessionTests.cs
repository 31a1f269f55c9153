using Orchestrator.Adapters.Venues;
using Orchestrator.Core;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine;
using Orchestrator.Engine.Ring;
using Orchestrator.ExchangeSimulator;
using static Orchestrator.Daemon.Tests.MultiVenueSessionTests;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// Issue 19, money per currency at KIS: one daemon session trading a KRX symbol and a US symbol through the
/// KIS simulator on loopback, with a KRW base and a configured USD rate. The account's KRW D+2 figure is the
/// engine's KRW cash and its USD deposit the engine's USD cash, exactly, at start-up and after trades; a USD
/// difference is reported and adjusted in USD, never through the rate.
/// </summary>
public sealed class KisCashPerCurrencySessionTests
{
    private const string Krx = "005930"; // the symbols MultiVenueSessionTests' helpers wait for
    private const string Us = "AAPL";
    private const long StartingKrw = 50_000_000;
    private const decimal StartingUsd = 12_345.67m;

    private static SessionOptions Options(KisSimulator kis) => VenueSessionTests.KisSignalsOnly(kis, engine => engine with
    {
        Symbols = [Krx, Us],
        BaseCurrency = "KRW",
        FxRates = new Dictionary<string, decimal>(StringComparer.Ordinal) { ["USD"] = 1_350m }, // KIS's rate differs: the configured one values
        Instruments = new Dictionary<string, InstrumentInfo>(StringComparer.Ordinal)
        {
            [Krx] = new() { Symbol = Krx, Exchange = "XKRX", Currency = "KRW", Venue = "kis" },
            [Us] = new() { Symbol = Us, Exchange = "XNAS", Currency = "USD", Venue = "kis" },
        },
    });

    private static async Task<KisSimulator> StartKisAsync()
    {
        KisSimulator kis = await VenueSessionTests.StartKisAsync(answersLost: false);
        kis.StartingCashKrw = StartingKrw;
        kis.StartingCashUsd = StartingUsd;
        kis.UsdKrwRate = 1_391.25m;
        return kis;
    }

    private static long CashRaw(TradingSession session, string currency) =>
        session.Engine.Portfolio.CashRawOf(session.Engine.Portfolio.Currencies.IdOf(currency));

    [Fact]
    public async Task StartUp_WithKrwAndUsdAtKis_TheEngineHoldsEachCurrencysCashExactly_AndTradesKeepThemApart()
    {
        await using KisSimulator kis = await StartKisAsync();
        using var session = new TradingSession(Options(kis), new VenueSessionTests.ListAuditWriter());
        await StartedWithDataAsync(session);
        TradingEngine engine = session.Engine;

        // Start-up: the KRW figure is the base's cash, the USD deposit the USD cash — each as KIS books it.
        Assert.Equal(FixedPoint.FromDecimal(StartingKrw), engine.Portfolio.StartingCashRaw);
        Assert.Equal(FixedPoint.FromDecimal(StartingKrw), CashRaw(session, "KRW"));
        Assert.Equal(FixedPoint.FromDecimal(StartingUsd), CashRaw(session, "USD"));
        Assert.Equal(FixedPoint.FromDecimal(StartingUsd), engine.Portfolio.StartingCashRawOf(engine.Portfolio.Currencies.IdOf("USD")));
        ReconciliationResult atStart = session.Reconciler!.Last!;
        Assert.True(atStart.PositionsMatch);
        Assert.Equal([new CashComparison("KRW", StartingKrw, StartingKrw), new CashComparison("USD", StartingUsd, StartingUsd)], atStart.Cash);

        Buy(session, Krx, 2, 1);
        Buy(session, Us, 3, 2);
        await UntilAsync(() => Position(session, Krx) == 2 && Position(session, Us) == 3 && engine.Orders.OpenCount == 0 && session.VenueGateway!.OrdersInDoubt == 0, session);

        ReconciliationResult result = await session.Reconciler.ReconcileAsync("test", CancellationToken.None);
        Assert.True(result.PositionsMatch, string.Join(", ", result.Differences));
        (long cashKrw, IReadOnlyDictionary<string, long> krxPositions) = kis.AccountBook(VenueSessionTests.KisAccount);
        (decimal cashUsd, IReadOnlyDictionary<string, long> usPositions) = kis.OverseasBook(VenueSessionTests.KisAccount);
        Assert.Equal([new CashComparison("KRW", cashKrw, cashKrw), new CashComparison("USD", cashUsd, cashUsd)], result.Cash);
        Assert.True(cashUsd < StartingUsd && cashKrw < StartingKrw, "both accounts paid for their buys");
        Assert.Equal(FixedPoint.FromDecimal(cashKrw), CashRaw(session, "KRW"));
        Assert.Equal(FixedPoint.FromDecimal(cashUsd), CashRaw(session, "USD"));
        Assert.Equal((2L, 3L), (krxPositions[Krx], usPositions[Us]));
        Assert.False(engine.Risk.KillSwitchEngaged);
        Assert.Equal(ShutdownResult.Drained, session.Stop());
    }

    [Fact]
    public async Task UsdCashThatDrifts_IsReportedInUsd_AndAdjustedInUsd_KrwUntouched()
    {
        await using KisSimulator kis = await StartKisAsync();
        using var session = new TradingSession(Options(kis), new VenueSessionTests.ListAuditWriter());
        await StartedWithDataAsync(session);

        kis.TransferCash(VenueSessionTests.KisAccount, "USD", -12.34m); // a fee the fill reports never carried
        ReconciliationResult result = await session.Reconciler!.ReconcileAsync("test", CancellationToken.None);

        Assert.True(result.PositionsMatch);
        Assert.Equal([new CashComparison("KRW", StartingKrw, StartingKrw), new CashComparison("USD", 12_333.33m, StartingUsd)], result.Cash);
        Assert.Equal("cash KRW 50000000 matches, USD set to the venue's 12333.33 USD (engine had 12345.67 USD: fees or interest the fill reports did not carry)",
            result.DescribeCash());
        await UntilAsync(() => CashRaw(session, "USD") == FixedPoint.FromDecimal(12_333.33m), session); // the journaled command, in USD
        Assert.Equal(FixedPoint.FromDecimal(StartingKrw), CashRaw(session, "KRW"));
        Assert.False(session.Engine.Risk.KillSwitchEngaged, "a cash difference is adjusted, not paused for");

        ReconciliationResult again = await session.Reconciler.ReconcileAsync("test", CancellationToken.None);
        Assert.All(again.Cash, c => Assert.True(c.Matches, c.ToString()));
        Assert.Equal(ShutdownResult.Drained, session.Stop());
    }
}
