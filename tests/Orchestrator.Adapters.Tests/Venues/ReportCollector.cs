using System.Collections.Concurrent;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Venues;

/// <summary>Execution reports from any thread, with a condition wait (no sleeps).</summary>
internal sealed class ReportCollector : IExecutionReportSink
{
    private readonly ConcurrentQueue<ExecutionReport> _reports = new();
    private readonly object _gate = new();

    public IReadOnlyList<ExecutionReport> Reports => [.. _reports];

    public void OnExecutionReport(in ExecutionReport report)
    {
        _reports.Enqueue(report);
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }
    }

    public IReadOnlyList<ExecutionReport> For(long clientOrderId) => [.. _reports.Where(r => r.ClientOrderId == clientOrderId)];

    /// <summary>Waits (bounded by a hang guard, not a timing assertion) until <paramref name="condition"/> holds.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<ExecutionReport>, bool> condition, TimeSpan? hangGuard = null)
    {
        using var guard = new CancellationTokenSource(hangGuard ?? TimeSpan.FromSeconds(30));
        await Task.Run(
            () =>
            {
                lock (_gate)
                {
                    while (!condition(Reports))
                    {
                        guard.Token.ThrowIfCancellationRequested();
                        Monitor.Wait(_gate, TimeSpan.FromMilliseconds(50));
                    }
                }
            },
            guard.Token).ConfigureAwait(false);
    }
}
