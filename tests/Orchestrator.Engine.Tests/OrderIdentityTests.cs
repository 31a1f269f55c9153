using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>
/// Every order knows who asked for it (issue 17, accountability): the source (agent, strategy, or the
/// engine's own rules / exits / operator) and the signal id travel with the order, through its fills,
/// into the execution reports' slots, the slow path's snapshot and the state snapshots.
/// </summary>
public sealed class OrderIdentityTests
{
    private const int Aapl = 0;
    private const long T0 = EngineHarness.T0;

    private static EngineEvent AgentSignal(int sourceId, long signalId, Side side = Side.Buy) => new()
    {
        Kind = EventKind.TradeSignal,
        SymbolId = Aapl,
        SignalSide = side,
        ConfidencePpm = 900_000,
        SignalId = signalId,
        SourceId = sourceId,
        TsEventNs = T0,
    };

    private static ref OrderRecord OrderOf(TradingEngine engine, long clientOrderId)
    {
        Assert.True(engine.Orders.TryFind(clientOrderId, out int slot));
        return ref engine.Orders[slot];
    }

    [Fact]
    public void EngineSources_AreInternedFirst_WithTheirNames()
    {
        var h = new EngineHarness();
        Assert.Equal(EngineSources.RulesName, h.Engine.Sources.Get(EngineSources.Rules));
        Assert.Equal(EngineSources.ExitsName, h.Engine.Sources.Get(EngineSources.Exits));
        Assert.Equal(EngineSources.OperatorName, h.Engine.Sources.Get(EngineSources.Operator));
        Assert.Equal(4, h.Engine.Sources.Intern("sma_agent")); // the first outside source comes after them
    }

    [Fact]
    public void ExternalSignal_OrderCarriesItsSourceAndSignalId_AndEveryReportSlotIsStamped()
    {
        var h = new EngineHarness();
        int agent = h.Engine.Sources.Intern("sma_agent");
        h.Trade(Aapl, 100m);
        EngineEvent signal = h.Process(AgentSignal(agent, 8_000_000_000_042));
        Assert.NotEqual(0, signal.ClientOrderId);

        ref OrderRecord order = ref OrderOf(h.Engine, signal.ClientOrderId);
        Assert.Equal(agent, order.SourceId);
        Assert.Equal(8_000_000_000_042, order.SignalId);
        Assert.Equal(IntentOrigin.External, order.Origin);

        // Reports arrive without identity (the venue knows only the order id); the order manager stamps them.
        foreach (EngineEvent report in new[]
        {
            h.Report(signal.ClientOrderId, ExecutionType.Accepted),
            h.Report(signal.ClientOrderId, ExecutionType.PartialFill, 4, 100m),
            h.Report(signal.ClientOrderId, ExecutionType.Fill, 6, 100.5m),
        })
        {
            Assert.Equal(agent, report.SourceId);
            Assert.Equal(8_000_000_000_042, report.SignalId);
            Assert.Equal(IntentOrigin.External, report.Origin);
        }

        Assert.Equal(OrderStatus.Filled, OrderOf(h.Engine, signal.ClientOrderId).Status);
        Assert.Equal(agent, OrderOf(h.Engine, signal.ClientOrderId).SourceId);
        Assert.Equal(8_000_000_000_042, OrderOf(h.Engine, signal.ClientOrderId).SignalId);
    }

    [Fact]
    public void RuleSignal_OrderHasTheRulesSource()
    {
        EngineOptions options = EngineHarness.DefaultOptions() with
        {
            Rules = new RuleOptions { MomentumEnabled = true, MomentumFastPeriod = 2, MomentumSlowPeriod = 4, RsiReversionEnabled = false },
        };
        var h = new EngineHarness(options);
        EngineEvent ruled = default;
        for (int i = 0; i < 40 && ruled.ClientOrderId == 0; i++)
        {
            ruled = h.Trade(Aapl, 100m + (i < 10 ? -i : (i - 10) * 2), T0 + (i * EngineHarness.Second));
        }

        Assert.NotEqual(0, ruled.ClientOrderId);
        Assert.Equal(IntentOrigin.Rule, ruled.Origin);
        Assert.Equal(EngineSources.Rules, ruled.SourceId);
        Assert.Equal(EngineSources.Rules, OrderOf(h.Engine, ruled.ClientOrderId).SourceId);
        Assert.Equal(0, OrderOf(h.Engine, ruled.ClientOrderId).SignalId);
    }

    [Fact]
    public void ProtectiveExit_AndOperatorFlatten_HaveTheirSources()
    {
        EngineOptions options = EngineHarness.DefaultOptions() with
        {
            Exits = new ExitOptions { StopLossFraction = 0.02m, TakeProfitFraction = 0m, TrailingStopFraction = 0m },
        };
        var h = new EngineHarness(options);
        h.Trade(Aapl, 100m);
        h.Open(Aapl, Side.Buy, 100m);

        EngineEvent exit = h.Trade(Aapl, 97m, T0 + 1);
        Assert.Equal(IntentOrigin.StopLoss, exit.Origin);
        Assert.Equal(EngineSources.Exits, OrderOf(h.Engine, exit.ClientOrderId).SourceId);
        Assert.Equal(0, OrderOf(h.Engine, exit.ClientOrderId).SignalId);
        h.Report(exit.ClientOrderId, ExecutionType.Canceled, tsNs: T0 + 2);

        h.TakeOrders();
        h.Command(CommandKind.FlattenAll, T0 + 3);
        OrderCommand flatten = Assert.Single(h.TakeOrders());
        Assert.Equal(IntentOrigin.Operator, flatten.Origin);
        Assert.Equal(EngineSources.Operator, OrderOf(h.Engine, flatten.ClientOrderId).SourceId);
    }

    [Fact]
    public void SlowPathSnapshot_ShowsOpenOrdersWithTheirSourceAndSignalId()
    {
        var h = new EngineHarness();
        int agent = h.Engine.Sources.Intern("pairs");
        h.Trade(Aapl, 100m);
        EngineEvent signal = h.Process(AgentSignal(agent, 77));
        h.Command(CommandKind.PublishSnapshot, T0 + 1);

        var copy = new SnapshotCopy();
        h.Engine.Snapshot.Read(copy);
        Assert.Equal(1, copy.OrderCount);
        SnapshotOrder open = copy.Orders[0];
        Assert.Equal(signal.ClientOrderId, open.ClientOrderId);
        Assert.Equal(agent, open.SourceId);
        Assert.Equal(77, open.SignalId);
        Assert.Equal(IntentOrigin.External, open.Origin);
    }

    [Fact]
    public void StateSnapshot_RoundTrip_KeepsSourceAndSignalId_EvenWhenTheNewProcessInternedNamesInAnotherOrder()
    {
        var h = new EngineHarness();
        int sma = h.Engine.Sources.Intern("sma_agent");
        h.Trade(Aapl, 100m);
        long open = h.Process(AgentSignal(sma, 5)).ClientOrderId;
        byte[] body = h.Engine.CaptureState();

        // A restarted daemon whose edges interned another name first: "sma_agent" gets another id there.
        var restarted = new EngineHarness();
        int other = restarted.Engine.Sources.Intern("other_agent");
        Assert.Equal(sma, other);
        restarted.Engine.RestoreState(body);

        ref OrderRecord order = ref OrderOf(restarted.Engine, open);
        Assert.Equal("sma_agent", restarted.Engine.Sources.Get(order.SourceId));
        Assert.NotEqual(other, order.SourceId);
        Assert.Equal(5, order.SignalId);
        Assert.Equal(IntentOrigin.External, order.Origin);

        // Reports after the restart are still attributed.
        EngineEvent fill = restarted.Report(open, ExecutionType.Fill, 10, 100m);
        Assert.Equal(order.SourceId, fill.SourceId);
        Assert.Equal(5, fill.SignalId);
    }
}
