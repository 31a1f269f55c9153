using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Paper;

/// <summary>Counts reports by kind without keeping them (allocates nothing).</summary>
internal sealed class CountingSink : IExecutionReportSink
{
    public long Accepted { get; private set; }

    public long Fills { get; private set; }

    public long Canceled { get; private set; }

    public long Other { get; private set; }

    public void OnExecutionReport(in ExecutionReport report)
    {
        switch (report.ExecType)
        {
            case ExecutionType.Accepted:
                Accepted++;
                break;
            case ExecutionType.Fill:
                Fills++;
                break;
            case ExecutionType.Canceled:
                Canceled++;
                break;
            default:
                Other++;
                break;
        }
    }
}
