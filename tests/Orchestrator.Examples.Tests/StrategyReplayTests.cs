using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;
using Orchestrator.Examples.OpeningRangeBreakout;
using Orchestrator.Strategies;
using Orchestrator.Strategies.Testing;

namespace Orchestrator.Examples.Tests;

/// <summary>
/// A fast-path strategy's orders are not journaled as signals: the journal holds the market data and
/// the strategy re-derives them. Replaying the journal (a fresh instance of the strategy) must
/// rebuild the same orders — ids, signal ids, sides, quantities, fills — and a restart recovers from
/// the whole journal, not from a snapshot that lacks the strategy's state.
/// </summary>
public sealed class StrategyReplayTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("orc-strategy-replay-").FullName;

    [Fact]
    public void ReplayingTheJournal_RederivesTheStrategysOrdersIdentically()
    {
        EngineOptions live = Options(new OpeningRangeBreakoutStrategy());
        List<OrderRecord> liveOrders;
        using (var rig = new StrategyTestRig(live))
        {
            foreach (MarketTick tick in Session())
            {
                rig.Publish(tick);
                rig.WaitUntilQuiet();
            }

            rig.Engine.RequestCheckpoint(Ticks.At(0, 23, 0)); // a snapshot exists: recovery must not start from it
            rig.WaitUntilQuiet();
            liveOrders = [.. rig.OrdersOf("orb")];
        }

        Assert.Equal(2, liveOrders.Count);

        JournalReplay replay = JournalReplayer.Replay(_directory, Options(new OpeningRangeBreakoutStrategy()) with { JournalDirectory = null });
        Assert.Equal(liveOrders.Select(Key), StrategyTestRig.OrdersOf(replay.Engine, "orb").Select(Key));

        var recovered = new TradingEngine(Options(new OpeningRangeBreakoutStrategy()), Orchestrator.Engine.Audit.NullAuditWriter.Instance);
        Assert.Null(recovered.Recovery!.Snapshot);
        Assert.Contains(recovered.Recovery.SnapshotsRefused, r => r.Reason.Contains("strategies", StringComparison.Ordinal));
        Assert.Equal(liveOrders.Select(Key), StrategyTestRig.OrdersOf(recovered, "orb").Select(Key));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private EngineOptions Options(IStrategy strategy) =>
        StrategyTestRig.Options(["AAPL"], new StrategyRegistration("orb", strategy, ["AAPL"])) with { JournalDirectory = _directory };

    private static (long Id, long SignalId, Side Side, long Quantity, long Filled, long AvgPrice) Key(OrderRecord o) =>
        (o.ClientOrderId, o.SignalId, o.Side, o.Quantity, o.FilledQuantity, o.AvgFillPriceRaw);

    private static IEnumerable<MarketTick> Session()
    {
        for (int m = 0; m < 30; m++)
        {
            yield return Ticks.Trade(0, Ticks.At(0, 14, 30 + m), m % 2 == 0 ? 100m : 101m);
        }

        yield return Ticks.Trade(0, Ticks.At(0, 15, 1), 101.5m); // breakout
        yield return Ticks.Trade(0, Ticks.At(0, 15, 2), 102m);
        yield return Ticks.Trade(0, Ticks.At(0, 15, 3), 99.5m);  // stop
        yield return Ticks.Trade(0, Ticks.At(0, 15, 4), 99.8m);
    }
}
