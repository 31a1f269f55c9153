using Orchestrator.Core;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>
/// A reconciliation's cash correction reaches the engine as a command, in order with the fills.
/// It must not undo a fill the engine applied between the venue's reading and the command.
/// </summary>
public sealed class CashCommandTests
{
    [Fact]
    public void AdjustCash_AfterAFillThatArrivedMeanwhile_KeepsThatFillsCash()
    {
        var h = new EngineHarness();
        h.Trade(0, 100m);
        long startCash = h.Engine.Portfolio.CashRaw;

        // The venue is read here: it charged a 7.50 fee the fill reports never carried. The
        // reconciler measures venue − engine = −7.50 and publishes it; a fill overtakes it in the ring.
        long measured = EngineHarness.Raw(-7.5m);
        h.Open(0, Side.Buy, 100m); // 10 shares: −1,000
        h.Command(CommandKind.AdjustCash, arg: measured);

        Assert.Equal(startCash - EngineHarness.Raw(1_000m) - EngineHarness.Raw(7.5m), h.Engine.Portfolio.CashRaw);
        Assert.Equal(10, h.Engine.Portfolio.Quantity(0));
    }

    [Fact]
    public void SetCash_FromAnOlderJournal_StillSetsTheFigure()
    {
        var h = new EngineHarness();
        h.Trade(0, 100m);
        h.Open(0, Side.Buy, 100m);
        h.Command(CommandKind.SetCash, arg: EngineHarness.Raw(12_345m));
        Assert.Equal(EngineHarness.Raw(12_345m), h.Engine.Portfolio.CashRaw);
    }
}
