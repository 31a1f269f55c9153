using Orchestrator.Core;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine.Ring;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// Venue-provided borrow (issue 19): a daemon session trading through the Alpaca simulator reads each symbol's asset
/// (<c>GET /v2/assets/{symbol}</c>: <c>shortable</c>, <c>easy_to_borrow</c>) at start-up, and the engine refuses the short
/// sales Alpaca would not open before any order leaves — while an easy-to-borrow symbol shorts at the venue.
/// </summary>
public sealed class AlpacaBorrowSessionTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);
    private static readonly string[] s_symbols = ["AAPL", "TSLA", "GME"];

    private static SessionOptions Options(AlpacaSimulator alpaca, bool allowShortSelling)
    {
        SessionOptions defaults = DaemonCli.BuildOptions(seed: 7, ticksPerSecond: 0, WaitStrategyKind.Blocking);
        return defaults with
        {
            Engine = defaults.Engine with
            {
                Symbols = s_symbols,
                Rules = defaults.Engine.Rules with { MomentumEnabled = false, RsiReversionEnabled = false }, // only the test's signals trade
                Exits = defaults.Engine.Exits with { StopLossFraction = 0m, TakeProfitFraction = 0m, TrailingStopFraction = 0m },
                Sizing = defaults.Engine.Sizing with { MaxOrderNotional = 0m },
                Risk = defaults.Engine.Risk with { DuplicateWindow = TimeSpan.Zero, AllowShortSelling = allowShortSelling },
            },
            Venue = VenueSessionTests.Alpaca(alpaca) with
            {
                Gateway = new Adapters.Venues.VenueGatewayOptions
                {
                    PollInterval = TimeSpan.FromMilliseconds(100),
                    Backoff = TimeSpan.FromMilliseconds(5),
                    RequestTimeout = TimeSpan.FromSeconds(5),
                    RequestsPerSecond = 200,
                },
            },
        };
    }

    private static Task UntilAsync(Func<bool> condition, TradingSession session) => Waits.UntilAsync(condition, session, s_hang);

    private static void Sell(TradingSession session, string symbol, long quantity, long signalId) =>
        session.Engine.PublishSignal(session.Engine.Symbols.GetId(symbol), Side.Sell, 1_000_000, new SignalIntent { OrderType = OrderType.Market, Quantity = quantity },
            signalId, "borrow_test", "test", session.LastEventTimeNs);

    private static long Position(TradingSession session, string symbol) => session.Engine.Portfolio.Quantity(session.Engine.Symbols.GetId(symbol));

    [Fact]
    public async Task AlpacaAssets_AtStartUp_NotShortableAndHardToBorrowAreRefused_EasyToBorrowShortsAtTheVenue()
    {
        await using AlpacaSimulator alpaca = await AlpacaSimulator.StartAsync();
        alpaca.FrameInterval = TimeSpan.FromMilliseconds(5);
        alpaca.SetAsset("TSLA", shortable: false, easyToBorrow: false);
        alpaca.SetAsset("GME", shortable: true, easyToBorrow: false);
        using var session = new TradingSession(Options(alpaca, allowShortSelling: true), new VenueSessionTests.ListAuditWriter());
        await session.StartAsync("test", CancellationToken.None);
        Assert.Equal(s_symbols.Length, alpaca.AssetRequests); // one asset each, read at start-up
        await UntilAsync(() => s_symbols.All(s => session.Engine.Market.LastRaw(session.Engine.Symbols.GetId(s)) > 0), session);

        Sell(session, "TSLA", 2, 1);
        await UntilAsync(() => session.Engine.Counters.Rejects(RejectReason.ShortNotAllowed) > 0, session);
        Sell(session, "GME", 2, 2);
        await UntilAsync(() => session.Engine.Counters.Rejects(RejectReason.NoBorrow) > 0, session);
        Sell(session, "AAPL", 2, 3);
        await UntilAsync(() => Position(session, "AAPL") == -2, session);

        Assert.Equal(1, alpaca.OrderCount); // only AAPL's short reached the venue
        Assert.Equal(0, Position(session, "TSLA"));
        Assert.Equal(0, Position(session, "GME"));
        Assert.Equal(ShutdownResult.Drained, session.Stop());
    }

    [Fact]
    public async Task WithoutShortSelling_NoAssetIsAskedFor()
    {
        await using AlpacaSimulator alpaca = await AlpacaSimulator.StartAsync();
        using var session = new TradingSession(Options(alpaca, allowShortSelling: false), new VenueSessionTests.ListAuditWriter());
        await session.StartAsync("test", CancellationToken.None);
        Assert.Equal(0, alpaca.AssetRequests);
        Assert.Equal(ShutdownResult.Drained, session.Stop());
    }
}
