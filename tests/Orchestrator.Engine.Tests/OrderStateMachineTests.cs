using Orchestrator.Core;
using Orchestrator.Engine.State;

namespace Orchestrator.Engine.Tests;

public sealed class OrderStateMachineTests
{
    [Theory]
    [InlineData(OrderStatus.PendingNew, ExecutionType.Accepted, 0, 10, OrderStatus.Accepted)]
    [InlineData(OrderStatus.PendingNew, ExecutionType.Rejected, 0, 10, OrderStatus.Rejected)]
    [InlineData(OrderStatus.PendingNew, ExecutionType.Fill, 10, 10, OrderStatus.Filled)]
    [InlineData(OrderStatus.Accepted, ExecutionType.PartialFill, 4, 10, OrderStatus.PartiallyFilled)]
    [InlineData(OrderStatus.PartiallyFilled, ExecutionType.Fill, 6, 6, OrderStatus.Filled)]
    [InlineData(OrderStatus.PartiallyFilled, ExecutionType.Canceled, 0, 6, OrderStatus.Canceled)]
    [InlineData(OrderStatus.Accepted, ExecutionType.Expired, 0, 10, OrderStatus.Expired)]
    [InlineData(OrderStatus.Unknown, ExecutionType.Accepted, 0, 10, OrderStatus.Accepted)]
    [InlineData(OrderStatus.Unknown, ExecutionType.Fill, 10, 10, OrderStatus.Filled)]
    public void LegalTransitions_AreApplied(OrderStatus from, ExecutionType report, long fill, long leaves, OrderStatus expected)
    {
        Assert.True(OrderStateMachine.TryApply(from, report, fill, leaves, out OrderStatus next));
        Assert.Equal(expected, next);
    }

    [Theory]
    [InlineData(OrderStatus.Filled, ExecutionType.Fill, 1, 0)]
    [InlineData(OrderStatus.Canceled, ExecutionType.Accepted, 0, 0)]
    [InlineData(OrderStatus.Rejected, ExecutionType.Canceled, 0, 0)]
    [InlineData(OrderStatus.Expired, ExecutionType.PartialFill, 1, 5)]
    [InlineData(OrderStatus.Accepted, ExecutionType.Accepted, 0, 10)]
    [InlineData(OrderStatus.Accepted, ExecutionType.Rejected, 0, 10)]
    [InlineData(OrderStatus.Accepted, ExecutionType.Fill, 11, 10)]
    [InlineData(OrderStatus.Accepted, ExecutionType.PartialFill, 0, 10)]
    [InlineData(OrderStatus.New, ExecutionType.Accepted, 0, 10)]
    public void IllegalTransitions_AreRefused(OrderStatus from, ExecutionType report, long fill, long leaves)
    {
        Assert.False(OrderStateMachine.TryApply(from, report, fill, leaves, out OrderStatus next));
        Assert.Equal(from, next);
    }

    [Fact]
    public void ReportForAFinishedOrder_IsCountedAsIllegal_AndChangesNothing()
    {
        var h = new Support.EngineHarness();
        h.Trade(0, 100m);
        long id = h.Open(0, Side.Buy, 100m);
        long cash = h.Engine.Portfolio.CashRaw;
        h.Report(id, ExecutionType.Fill, 10, 100m);
        h.Report(999, ExecutionType.Accepted);
        Assert.Equal(2, h.Engine.Counters.IllegalReports);
        Assert.Equal(cash, h.Engine.Portfolio.CashRaw);
        Assert.Equal(10, h.Engine.Portfolio.Quantity(0));
    }

    [Fact]
    public void ClientOrderIds_AreDeterministicAndUnique()
    {
        var a = new Support.EngineHarness();
        var b = new Support.EngineHarness();
        var ids = new HashSet<long>();
        foreach (Support.EngineHarness h in new[] { a, b })
        {
            h.Trade(0, 100m);
        }

        for (int i = 0; i < 20; i++)
        {
            long idA = a.Signal(0, Side.Buy, tsNs: Support.EngineHarness.T0 + i).ClientOrderId;
            long idB = b.Signal(0, Side.Buy, tsNs: Support.EngineHarness.T0 + i).ClientOrderId;
            Assert.Equal(idA, idB);
            Assert.True(ids.Add(idA));
        }
    }
}
