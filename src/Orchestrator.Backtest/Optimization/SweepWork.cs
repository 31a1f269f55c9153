using System.Runtime.ExceptionServices;

namespace Orchestrator.Backtest.Optimization;

/// <summary>
/// The items of one sweep (its candidates' backtests; a walk-forward's candidates of every window, then its test runs), taken one at a time in index order by its workers: the caller's thread and
/// <c>jobs − 1</c> threads of its own. Each result goes to its candidate's slot, so the results do not depend
/// on which worker ran what, nor on how many ran. Taking one candidate at a time (instead of a batch, as
/// <c>Parallel.For</c>'s range partitions may) keeps the end of the sweep within one candidate of the ideal split.
/// </summary>
/// <remarks>
/// <code>
///   next ──Interlocked.Increment──▶ worker 0 (caller) ─▶ results[i]
///                               ├─▶ worker 1 (thread) ─▶ results[j]
///                               └─▶ …
/// </code>
/// A failure (or cancellation) stops the workers before their next candidate; <see cref="Run"/> joins them
/// and rethrows the failure of the lowest candidate index as it was thrown, or <see cref="OperationCanceledException"/>.
/// </remarks>
/// <typeparam name="T">What an item gives.</typeparam>
internal sealed class SweepWork<T>(int count, Func<int, T> run, Action<int>? progress, CancellationToken cancellationToken)
{
    private readonly Lock _failureLock = new();
    private int _next = -1;
    private int _done;
    private volatile bool _stop;
    private int _failedIndex = int.MaxValue;
    private ExceptionDispatchInfo? _failure;

    /// <summary>Each item's result, by index (complete once <see cref="Run"/> returns).</summary>
    public T[] Results { get; } = new T[count];

    /// <summary>Runs every candidate on up to <paramref name="jobs"/> workers (the caller's thread among them); returns when all are done.</summary>
    public void Run(int jobs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(jobs);
        var threads = new Thread[Math.Max(0, Math.Min(jobs, count) - 1)];
        for (int t = 0; t < threads.Length; t++)
        {
            threads[t] = new Thread(Work) { IsBackground = true, Name = "sweep worker " + (t + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) };
            threads[t].Start();
        }

        Work();
        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        if (cancellationToken.IsCancellationRequested && (_failure is null || _failure.SourceException is OperationCanceledException))
        {
            throw new OperationCanceledException(cancellationToken);
        }

        _failure?.Throw();
    }

    private void Work()
    {
        while (!_stop && !cancellationToken.IsCancellationRequested)
        {
            int i = Interlocked.Increment(ref _next);
            if (i >= count)
            {
                return;
            }

            try
            {
                Results[i] = run(i);
                progress?.Invoke(Interlocked.Increment(ref _done)); // the count is shared by the workers
            }
            catch (Exception ex)
            {
                Fail(i, ex);
                return;
            }
        }
    }

    private void Fail(int index, Exception ex)
    {
        lock (_failureLock)
        {
            if (index < _failedIndex)
            {
                (_failedIndex, _failure) = (index, ExceptionDispatchInfo.Capture(ex));
            }
        }

        _stop = true;
    }
}
