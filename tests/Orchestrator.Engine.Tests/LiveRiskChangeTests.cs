using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

public sealed class LiveRiskChangeTests
{
    private const long T0 = EngineHarness.T0;

    [Fact]
    public void RiskChange_TakesEffectAtTheCommand_ForEveryStage()
    {
        var h = new EngineHarness();
        h.Trade(0, 100m);
        Assert.Equal(RejectReason.None, h.Signal(0, Side.Buy, confidence: 0.7m).Reject);
        Assert.Equal(10, h.Signal(0, Side.Buy, confidence: 0.7m, tsNs: T0 + 1).Quantity);

        EngineOptions current = h.Engine.Options;
        var next = new RiskParameters(
            current.Risk with { MinConfidence = 0.8m },
            current.Sizing with { FixedQuantity = 20 },
            current.Exits with { StopLossFraction = 0.01m });
        long version = h.Engine.RiskParameterMailbox.Stage(next);

        // Staged but not yet commanded: the old limits still decide.
        Assert.Equal(RejectReason.None, h.Signal(0, Side.Buy, confidence: 0.7m, tsNs: T0 + 2).Reject);

        h.Command(CommandKind.ApplyRiskParameters, T0 + 3, arg: version);
        Assert.Equal(version, h.Engine.Risk.AppliedParametersVersion);
        Assert.Equal(RejectReason.LowConfidence, h.Signal(0, Side.Buy, confidence: 0.7m, tsNs: T0 + 4).Reject);
        EngineEvent sized = h.Signal(0, Side.Buy, confidence: 0.9m, tsNs: T0 + 5);
        Assert.Equal(20, sized.Quantity);

        // The exits changed too: a 1 % drop against the new fills now stops out.
        foreach (OrderCommand order in h.TakeOrders())
        {
            h.Report(order.ClientOrderId, ExecutionType.Fill, order.Quantity, 100m, tsNs: T0 + 6);
        }

        Assert.Equal(IntentOrigin.StopLoss, h.Trade(0, 99m, T0 + 7).Origin);
    }

    [Fact]
    public void RiskChange_DoesNotReleaseAnEngagedKillSwitch()
    {
        var h = new EngineHarness();
        h.Trade(0, 100m);
        h.Command(CommandKind.EngageKillSwitch, T0);
        long version = h.Engine.RiskParameterMailbox.Stage(new RiskParameters(h.Engine.Options.Risk with { KillSwitchEngaged = false }, h.Engine.Options.Sizing, h.Engine.Options.Exits));
        h.Command(CommandKind.ApplyRiskParameters, T0 + 1, arg: version);
        Assert.Equal(RejectReason.KillSwitch, h.Signal(0, Side.Buy, tsNs: T0 + 2).Reject);
    }

    [Fact]
    public void UnknownVersion_IsIgnored()
    {
        var h = new EngineHarness();
        h.Trade(0, 100m);
        h.Command(CommandKind.ApplyRiskParameters, T0, arg: 42);
        Assert.Equal(0, h.Engine.Risk.AppliedParametersVersion);
        Assert.Equal(RejectReason.None, h.Signal(0, Side.Buy, tsNs: T0 + 1).Reject);
    }
}
