using System.Globalization;
using Orchestrator.Core;

namespace Orchestrator.Backtest.Optimization;

/// <summary>A calendar span of a walk-forward: a count of days (d), weeks (w), months (m) or years (y).</summary>
public readonly record struct CalendarSpan(int Count, char Unit)
{
    /// <summary><paramref name="tsNs"/> plus <paramref name="times"/> of this span, in UTC calendar terms (months and years by the calendar).</summary>
    public long AddTo(long tsNs, int times = 1)
    {
        DateTime t = ReportFormat.ToDateTime(tsNs);
        int n = Count * times;
        DateTime r = Unit switch { 'd' => t.AddDays(n), 'w' => t.AddDays(7.0 * n), 'm' => t.AddMonths(n), _ => t.AddYears(n) };
        return (r - DateTime.UnixEpoch).Ticks * 100;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Count}{Unit}");

    /// <summary>Parses <c>6m</c>, <c>30d</c>, <c>2w</c>, <c>1y</c>.</summary>
    public static bool TryParse(string text, out CalendarSpan span)
    {
        span = default;
        text = text.Trim().ToLowerInvariant();
        if (text.Length < 2 || text[^1] is not ('d' or 'w' or 'm' or 'y')
            || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count is < 1 or > 10_000)
        {
            return false;
        }

        span = new CalendarSpan(count, text[^1]);
        return true;
    }
}

/// <summary>
/// <c>--walk-forward train=6m,test=1m</c>: rolling windows. The first training window starts at
/// 00:00 UTC of the first day with data; each test window follows its training window, and the next
/// training window starts one test span later, so the test windows tile the time after the first
/// training window without overlap. The last test window ends with the last day of data (00:00 UTC after it).
/// </summary>
/// <param name="Train">Training span.</param>
/// <param name="Test">Test span (and the step).</param>
/// <param name="WarmUp">
/// How much data before each test window warms the test run up (<see cref="BacktestOptions.WarmUpFromNs"/>: the rules see
/// it, nothing trades); null: the training window; a span of count 0: none (the test run starts cold).
/// </param>
public sealed record WalkForwardSpec(CalendarSpan Train, CalendarSpan Test, CalendarSpan? WarmUp = null)
{
    public override string ToString() => WarmUp is { } w ? $"train={Train},test={Test},warmup={w}" : $"train={Train},test={Test}";

    /// <summary>Where the warm-up of the test run of <paramref name="window"/> starts (its test start when there is none).</summary>
    public long WarmUpFromNs(WalkForwardWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        try
        {
            return WarmUp is { } w ? w.AddTo(window.TestFromNs, -1) : window.TrainFromNs;
        }
        catch (ArgumentOutOfRangeException)
        {
            return long.MinValue; // before year 1: all the data before the window
        }
    }

    /// <summary>Parses <c>train=SPAN,test=SPAN</c>; null and the reason otherwise.</summary>
    public static WalkForwardSpec? TryParse(string text, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        problem = null;
        CalendarSpan? train = null, test = null, warmUp = null;
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length == 2 && kv[0] is "train" or "test" && CalendarSpan.TryParse(kv[1], out CalendarSpan span))
            {
                if (kv[0] == "train")
                {
                    train = span;
                }
                else
                {
                    test = span;
                }
            }
            else if (kv.Length == 2 && kv[0] == "warmup" && TryParseWarmUp(kv[1], out CalendarSpan warm))
            {
                warmUp = warm;
            }
            else
            {
                problem = $"'{part}' is not train=N, test=N or warmup=N with N a count of d, w, m or y (warmup=0: none; e.g. train=6m,test=1m)";
                return null;
            }
        }

        if (train is null || test is null)
        {
            problem = $"'{text}' needs both train= and test= (e.g. train=6m,test=1m)";
            return null;
        }

        return new WalkForwardSpec(train.Value, test.Value, warmUp);
    }

    /// <summary>A warm-up span: as <see cref="CalendarSpan.TryParse"/>, or <c>0</c> (none).</summary>
    private static bool TryParseWarmUp(string text, out CalendarSpan span)
    {
        if (text.Trim() == "0")
        {
            span = new CalendarSpan(0, 'd');
            return true;
        }

        return CalendarSpan.TryParse(text, out span);
    }

    /// <summary>The windows over data from <paramref name="firstNs"/> to <paramref name="endNs"/> (exclusive).</summary>
    public IReadOnlyList<WalkForwardWindow> Windows(long firstNs, long endNs)
    {
        const long NsPerDay = 86_400_000_000_000;
        long anchor = firstNs - (((firstNs % NsPerDay) + NsPerDay) % NsPerDay);
        var windows = new List<WalkForwardWindow>();
        for (int k = 0; ; k++)
        {
            long trainFrom = Test.AddTo(anchor, k);
            long testFrom = Train.AddTo(trainFrom);
            if (testFrom >= endNs)
            {
                return windows;
            }

            windows.Add(new WalkForwardWindow(trainFrom, testFrom, testFrom, Math.Min(Test.AddTo(testFrom), endNs)));
        }
    }
}

/// <summary>One walk-forward window: train on [<see cref="TrainFromNs"/>, <see cref="TrainToNs"/>), test on [<see cref="TestFromNs"/>, <see cref="TestToNs"/>).</summary>
public sealed record WalkForwardWindow(long TrainFromNs, long TrainToNs, long TestFromNs, long TestToNs);

/// <summary>What a window gave: the best candidate in sample, and its figures out of sample (null when no candidate had a score).</summary>
public sealed record WalkForwardStep(WalkForwardWindow Window, CandidateResult? InSample, double? OutOfSampleScore, CandidateFigures? OutOfSample);

/// <summary>
/// A walk-forward run: for each window, a sweep on the training span picks the best candidate, which
/// then runs on the test span, warmed up (<see cref="WalkForwardSpec.WarmUp"/>: by default the training span; the rules
/// see that data, nothing trades) so its rules do not spend the first days of the test span warming up. The test runs' equity curves are stitched into one out-of-sample
/// curve: each starts from the starting cash, and is scaled by the stitched equity so far / the
/// starting cash, so returns compound across windows (every window starts flat: positions are
/// valued at the window's end, not carried). Its figures come from <see cref="BacktestMetrics"/>
/// on the stitched curve; trade figures count the test runs' fills as they were.
/// </summary>
public sealed record WalkForwardResult(SweepDefinition Definition, WalkForwardSpec Spec, IReadOnlyList<WalkForwardStep> Steps, BacktestResult OutOfSample)
{
    /// <summary>Runs every window; <paramref name="options"/> gives a candidate's options (their time range is replaced by the window's).</summary>
    public static WalkForwardResult Run(SweepDefinition definition, WalkForwardSpec spec, CandidateOptions options, MarketTick[] ticks, int jobs,
        Action<int, int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticks);
        return Run(definition, spec, options, SweepRunner.Source(ticks), ticks.Length > 0 ? ticks[0].TsEventNs : 0, ticks.Length > 0 ? ticks[^1].TsEventNs : 0,
            jobs, progress, cancellationToken);
    }

    /// <summary>Runs every window over sources of <paramref name="data"/>, whose events span [<paramref name="firstNs"/>, <paramref name="lastNs"/>] (0, 0: none).</summary>
    public static WalkForwardResult Run(SweepDefinition definition, WalkForwardSpec spec, CandidateOptions options, SweepSource data, long firstNs, long lastNs, int jobs,
        Action<int, int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        bool any = firstNs != 0 || lastNs != 0;
        long first = Math.Max(firstNs, definition.FromNs);
        const long NsPerDay = 86_400_000_000_000;
        long lastDayEnd = any ? lastNs - (((lastNs % NsPerDay) + NsPerDay) % NsPerDay) + NsPerDay : 0;
        long end = Math.Min(lastDayEnd, definition.ToNs); // the end of the last day with data (UTC)
        IReadOnlyList<WalkForwardWindow> windows = spec.Windows(first, end);
        IReadOnlyList<SweepCandidate> candidates = definition.Candidates();
        int n = candidates.Count;

        // Every window's sweep as one list (window-major): no window waits for the slowest candidate of the one before.
        var sweeps = new SweepWork<CandidateResult>(windows.Count * n, i =>
            {
                WalkForwardWindow w = windows[i / n];
                return SweepRunner.RunOne(candidates[i % n], (SweepCandidate c, out string? problem) =>
                    options(c, out problem) is { } o ? o with { FromNs = w.TrainFromNs, ToNs = w.TrainToNs } : null, data, definition.Objective, cancellationToken);
            },
            progress is null ? null : done => progress(Math.Min(done / n, windows.Count - 1), windows.Count), cancellationToken);
        sweeps.Run(jobs);

        // Then each window's best on its test span, warmed up, the test runs in parallel too.
        var best = new CandidateResult?[windows.Count];
        var tested = new List<(int Window, BacktestOptions Options)>();
        for (int k = 0; k < windows.Count; k++)
        {
            List<CandidateResult> ranked = SweepRanking.Sort(new ArraySegment<CandidateResult>(sweeps.Results, k * n, n), definition.Objective);
            best[k] = ranked.Count > 0 && ranked[0].Score.HasValue ? ranked[0] : null;
            if (best[k] is { } b && options(candidates[b.Index], out _) is { } chosen)
            {
                WalkForwardWindow w = windows[k];
                tested.Add((k, SweepRunner.SingleThread(chosen) with { FromNs = w.TestFromNs, ToNs = w.TestToNs, WarmUpFromNs = spec.WarmUpFromNs(w) }));
            }
        }

        var testWork = new SweepWork<(BacktestResult Result, BacktestReport Report)>(tested.Count, i =>
            {
                BacktestResult test = SweepRunner.Backtest(tested[i].Options, data, cancellationToken);
                return (test, BacktestMetrics.Compute(test));
            },
            null, cancellationToken);
        testWork.Run(jobs);

        var steps = new List<WalkForwardStep>();
        var tests = new List<BacktestResult>();
        for (int k = 0, t = 0; k < windows.Count; k++)
        {
            if (t < tested.Count && tested[t].Window == k)
            {
                (BacktestResult test, BacktestReport report) = testWork.Results[t++];
                tests.Add(test);
                steps.Add(new WalkForwardStep(windows[k], best[k], definition.Objective.Score(report), CandidateFigures.From(report)));
            }
            else
            {
                steps.Add(new WalkForwardStep(windows[k], best[k], null, null));
            }
        }

        return new WalkForwardResult(definition, spec, steps, Stitch(tests));
    }

    /// <summary>The test runs' curves, compounded one after another (see the type's remarks).</summary>
    public static BacktestResult Stitch(IReadOnlyList<BacktestResult> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        decimal start = runs.Count > 0 ? runs[0].StartingCash : 0m;
        decimal scale = 1m;
        var equity = new List<EquityPoint>();
        var fills = new List<FillRecord>();
        var rejects = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long events = 0, marketEvents = 0, signals = 0;
        foreach (BacktestResult run in runs)
        {
            foreach (EquityPoint p in run.Equity)
            {
                equity.Add(new EquityPoint(p.TsNs, Scale(p.EquityRaw, scale), Scale(p.CashRaw, scale), Scale(p.GrossExposureRaw, scale)));
            }

            if (run.Equity.Count > 0 && start > 0)
            {
                scale = FixedPoint.ToDecimal(equity[^1].EquityRaw) / start;
            }

            fills.AddRange(run.Fills);
            foreach ((string reason, long count) in run.Rejects)
            {
                rejects[reason] = rejects.GetValueOrDefault(reason) + count;
            }

            (events, marketEvents, signals) = (events + run.Events, marketEvents + run.MarketEvents, signals + run.Signals);
        }

        return new BacktestResult
        {
            Symbols = runs.Count > 0 ? runs[0].Symbols : [],
            StartingCash = start,
            Equity = equity,
            Fills = fills,
            Events = events,
            MarketEvents = marketEvents,
            ElapsedSeconds = 0,
            Signals = signals,
            Rejects = rejects,
            OpenPositions = new Dictionary<string, long>(),
        };
    }

    private static long Scale(long raw, decimal scale) => scale == 1m ? raw : FixedPoint.FromDecimal(FixedPoint.ToDecimal(raw) * scale);
}
