using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Paper;

/// <summary>Records every execution report, in order.</summary>
internal sealed class RecordingSink : IExecutionReportSink
{
    public List<ExecutionReport> Reports { get; } = [];

    public ExecutionReport Last => Reports[^1];

    public void OnExecutionReport(in ExecutionReport report) => Reports.Add(report);

    /// <summary>The reports recorded since <paramref name="start"/>.</summary>
    public List<ExecutionReport> Since(int start) => Reports.GetRange(start, Reports.Count - start);
}
