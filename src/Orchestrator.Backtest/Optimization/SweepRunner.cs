using Orchestrator.Adapters.MarketData;
using Orchestrator.Core;

namespace Orchestrator.Backtest.Optimization;

/// <summary>A candidate's backtest options, or null and why it cannot run (e.g. fast period not below slow).</summary>
public delegate BacktestOptions? CandidateOptions(SweepCandidate candidate, out string? problem);

/// <summary>
/// A new source of the sweep's data for one backtest over [<paramref name="fromNs"/>, <paramref name="toNs"/>)
/// (a source may give more; the backtest skips events outside its range): every candidate opens its
/// own over the shared, read-only data (ticks in memory, a file's columns, a catalog's day files).
/// </summary>
public delegate IMarketDataSource SweepSource(long fromNs, long toNs);

/// <summary>
/// Runs candidates in parallel: each is a deterministic single-thread backtest of its own engine over
/// its own source over the shared, read-only data (<see cref="SweepSource"/>), so a candidate's result does not
/// depend on how many run beside it, and results come back ranked (<see cref="SweepRanking"/>).
/// </summary>
public static class SweepRunner
{
    /// <summary>Runs <paramref name="candidates"/> on up to <paramref name="jobs"/> threads; ranked results.</summary>
    /// <param name="candidates">What to run.</param>
    /// <param name="options">Each candidate's options (single-thread mode; their time range is used).</param>
    /// <param name="ticks">The data, sorted by time, shared by every candidate.</param>
    /// <param name="objective">What the results are ranked by.</param>
    /// <param name="jobs">Candidates run at once (1 = one after another on the caller's thread).</param>
    /// <param name="progress">Called after each candidate with the number done (from any worker thread).</param>
    /// <param name="cancellationToken">Stops the sweep.</param>
    public static List<CandidateResult> Run(IReadOnlyList<SweepCandidate> candidates, CandidateOptions options, MarketTick[] ticks, OptimizationObjective objective, int jobs,
        Action<int>? progress = null, CancellationToken cancellationToken = default) =>
        Run(candidates, options, Source(ticks), objective, jobs, progress, cancellationToken);

    /// <summary>Runs <paramref name="candidates"/> on up to <paramref name="jobs"/> threads, each over its own source from <paramref name="data"/>; ranked results.</summary>
    /// <remarks>
    /// The caller's thread and <c>jobs − 1</c> threads of the sweep's own each take the next candidate in index order,
    /// one at a time, until none is left (<see cref="SweepWork{T}"/>), so no worker holds a batch of candidates while another
    /// waits: the run ends at most one candidate after the ideal split. A failure stops the workers at their next candidate
    /// and is rethrown as it was (the lowest candidate index that failed); a cancellation as <see cref="OperationCanceledException"/>.
    /// </remarks>
    public static List<CandidateResult> Run(IReadOnlyList<SweepCandidate> candidates, CandidateOptions options, SweepSource data, OptimizationObjective objective, int jobs,
        Action<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(jobs);
        var work = new SweepWork<CandidateResult>(candidates.Count, i => RunOne(candidates[i], options, data, objective, cancellationToken), progress, cancellationToken);
        work.Run(jobs);
        return SweepRanking.Sort(work.Results, objective);
    }

    /// <summary>The source of ticks held in memory, sorted by time (<see cref="ArrayMarketDataSource"/>).</summary>
    public static SweepSource Source(MarketTick[] ticks)
    {
        ArgumentNullException.ThrowIfNull(ticks);
        return (fromNs, toNs) => new ArrayMarketDataSource(ticks, fromNs, toNs);
    }

    /// <summary>One backtest over the shared ticks in the options' time range.</summary>
    public static BacktestResult Backtest(BacktestOptions options, MarketTick[] ticks, CancellationToken cancellationToken = default) =>
        Backtest(options, Source(ticks), cancellationToken);

    /// <summary>One backtest over a new source of <paramref name="data"/> in the options' time range.</summary>
    public static BacktestResult Backtest(BacktestOptions options, SweepSource data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        return new BacktestRunner(options).Run(data(options.FirstNs, options.ToNs), cancellationToken);
    }

    /// <summary>Inbound ring slots of a sweep's engines: a single-thread backtest never publishes into the ring (every event is processed inline).</summary>
    internal const int SingleThreadInboundSlots = 64;

    /// <summary>
    /// <paramref name="options"/> as every backtest of a sweep runs: single-thread, no progress, and an inbound ring of
    /// <see cref="SingleThreadInboundSlots"/> slots instead of the live engine's 16,384 (5.8 MB of a 26.7 MB engine that each
    /// candidate would allocate, zero and leave to the collector, for nothing: single-thread mode never publishes into it).
    /// </summary>
    public static BacktestOptions SingleThread(BacktestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options with { Mode = BacktestMode.SingleThread, Progress = null, Engine = options.Engine with { InboundBufferSize = SingleThreadInboundSlots } };
    }

    /// <summary>One candidate: its options (a refusal is its result), its backtest, its figures.</summary>
    internal static CandidateResult RunOne(SweepCandidate candidate, CandidateOptions options, SweepSource data, OptimizationObjective objective, CancellationToken cancellationToken)
    {
        BacktestOptions? chosen;
        string? problem;
        try
        {
            chosen = options(candidate, out problem);
        }
        catch (ArgumentException ex)
        {
            (chosen, problem) = (null, ex.Message);
        }

        if (chosen is null)
        {
            return CandidateResult.Refused(candidate, problem ?? "refused");
        }

        BacktestResult result = Backtest(SingleThread(chosen), data, cancellationToken);
        return CandidateResult.Ran(candidate, objective, BacktestMetrics.Compute(result));
    }
}
