using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>An order the venue never confirmed: Unknown, its symbol paused until reconciliation settles it.</summary>
public sealed class OrderInDoubtTests
{
    [Fact]
    public void UnknownReport_PausesNewOrdersInThatSymbolOnly_UntilTheOrderIsSettled()
    {
        var h = new EngineHarness(startAudit: true);
        h.Trade(0, 100m);
        h.Trade(1, 50m);
        EngineEvent first = h.Signal(0, Side.Buy, signalId: 1);
        Assert.Equal(RejectReason.None, first.Reject);

        h.Report(first.ClientOrderId, ExecutionType.Unknown);
        Assert.True(h.Engine.Orders.TryFind(first.ClientOrderId, out int slot));
        Assert.Equal(OrderStatus.Unknown, h.Engine.Orders[slot].Status);
        Assert.True(h.Engine.OrderManager.IsPaused(0));
        Assert.False(h.Engine.OrderManager.IsPaused(1));

        EngineEvent refused = h.Signal(0, Side.Buy, signalId: 2, tsNs: EngineHarness.T0 + EngineHarness.Second);
        Assert.Equal(RejectReason.SymbolPaused, refused.Reject);
        EngineEvent other = h.Signal(1, Side.Buy, signalId: 3, tsNs: EngineHarness.T0 + (2 * EngineHarness.Second));
        Assert.Equal(RejectReason.None, other.Reject);

        // Reconciliation finds it at the venue, filled: the symbol trades again and the fill counts.
        h.Report(first.ClientOrderId, ExecutionType.Fill, first.Quantity, 100m);
        Assert.False(h.Engine.OrderManager.IsPaused(0));
        Assert.Equal(first.Quantity, h.Engine.Portfolio.Quantity(0));
        EngineEvent again = h.Signal(0, Side.Buy, signalId: 4, tsNs: EngineHarness.T0 + (3 * EngineHarness.Second));
        Assert.NotEqual(RejectReason.SymbolPaused, again.Reject);

        h.Engine.Audit.Shutdown(TimeSpan.FromSeconds(30));
        Assert.Contains(h.Audit.Lines, l => l.Record.Kind == AuditKind.OrderStatusUnknown && l.Level == AuditLevel.Critical
            && l.Message.Contains("new orders in AAPL paused", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownReport_ForAnAcknowledgedOrder_IsIllegal()
    {
        var h = new EngineHarness();
        h.Trade(0, 100m);
        EngineEvent e = h.Signal(0, Side.Buy);
        h.Report(e.ClientOrderId, ExecutionType.Accepted);
        h.Report(e.ClientOrderId, ExecutionType.Unknown);
        Assert.Equal(1, h.Engine.Counters.IllegalReports);
        Assert.False(h.Engine.OrderManager.IsPaused(0));
    }

    [Fact]
    public void AnUnknownOrderFoundAbsent_IsRejected_AndTheSymbolResumes()
    {
        var h = new EngineHarness();
        h.Trade(0, 100m);
        EngineEvent e = h.Signal(0, Side.Buy);
        h.Report(e.ClientOrderId, ExecutionType.Unknown);
        h.Report(e.ClientOrderId, ExecutionType.Rejected);
        Assert.False(h.Engine.OrderManager.IsPaused(0));
        Assert.Equal(0, h.Engine.Portfolio.Quantity(0));
    }
}
