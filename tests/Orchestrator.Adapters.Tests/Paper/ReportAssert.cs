using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Paper;

/// <summary>Field-by-field checks of execution reports, so a failure names the field.</summary>
internal static class ReportAssert
{
    public static void Filled(ExecutionReport report, long id, ExecutionType type, long quantity, long priceRaw, long leaves, long commissionRaw = 0)
    {
        Assert.Equal(id, report.ClientOrderId);
        Assert.Equal(type, report.ExecType);
        Assert.Equal(quantity, report.FillQuantity);
        Assert.Equal(priceRaw, report.FillPriceRaw);
        Assert.Equal(commissionRaw, report.CommissionRaw);
        Assert.Equal(leaves, report.LeavesQuantity);
    }

    public static void Ended(ExecutionReport report, long id, ExecutionType type)
    {
        Assert.Equal(id, report.ClientOrderId);
        Assert.Equal(type, report.ExecType);
        Assert.Equal(0, report.FillQuantity);
        Assert.Equal(0, report.LeavesQuantity);
    }

    public static void Rejected(ExecutionReport report, long id, RejectReason reason)
    {
        Assert.Equal(id, report.ClientOrderId);
        Assert.Equal(ExecutionType.Rejected, report.ExecType);
        Assert.Equal(reason, report.Reject);
        Assert.Equal(0, report.LeavesQuantity);
    }
}
