using Orchestrator.Backtest.Optimization;
using Orchestrator.Core;

namespace Orchestrator.Backtest.Tests.Optimization;

/// <summary>The parts of a sweep: parameter ranges, candidates, shards, walk-forward windows, the in-memory source.</summary>
public sealed class SweepPartsTests
{
    [Theory]
    [InlineData("fast=5..20:5", "5,10,15,20")]
    [InlineData("Oversold=0.1..0.3:0.1", "0.1,0.2,0.3")]
    [InlineData("slow=20..25", "20,21,22,23,24,25")]
    [InlineData("period=14", "14")]
    [InlineData("x=3, 1 ,2", "3,1,2")]
    public void ParameterRange_ParsesRangesListsAndSingleValues_Exactly(string text, string values)
    {
        ParameterRange range = ParameterRange.TryParse(text, out string? problem)!;
        Assert.Null(problem);
        Assert.Equal(values, string.Join(',', range.Values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(text[..text.IndexOf('=', StringComparison.Ordinal)].ToLowerInvariant(), range.Name);
    }

    [Theory]
    [InlineData("fast", "is not NAME=")]
    [InlineData("fast=20..5:5", "needs FROM <= TO")]
    [InlineData("fast=1..5:-1", "needs FROM <= TO and a step above 0")]
    [InlineData("fast=1..100000:1", "more than 10000 values")]
    [InlineData("fast=1,x", "'x' is not a number")]
    [InlineData("fast=1,1", "listed twice")]
    public void ParameterRange_RefusesBadText_SayingWhy(string text, string reason)
    {
        Assert.Null(ParameterRange.TryParse(text, out string? problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Grid_VariesTheLastParameterFastest_AndShardsSplitItByIndex()
    {
        ParameterRange a = ParameterRange.TryParse("a=1,2", out _)!;
        ParameterRange b = ParameterRange.TryParse("b=10..30:10", out _)!;
        IReadOnlyList<SweepCandidate> grid = SweepCandidates.Grid([a, b]);
        Assert.Equal(["1/10", "1/20", "1/30", "2/10", "2/20", "2/30"], grid.Select(c => $"{c.Values[0]}/{c.Values[1]}"));
        Assert.Equal([0, 1, 2, 3, 4, 5], grid.Select(c => c.Index));
        Assert.True(SweepShard.TryParse("1/4", out SweepShard shard));
        Assert.Equal([1, 5], grid.Where(c => shard.Includes(c.Index)).Select(c => c.Index));
        Assert.False(SweepShard.TryParse("4/4", out _));
        Assert.False(SweepShard.TryParse("-1/4", out _));
    }

    [Fact]
    public void Random_DrawsDistinctPoints_SeededAndRepeatable_AndTheWholeGridWhenAskedForMore()
    {
        ParameterRange a = ParameterRange.TryParse("a=1..50", out _)!;
        ParameterRange b = ParameterRange.TryParse("b=1..50", out _)!;
        IReadOnlyList<SweepCandidate> one = SweepCandidates.Random([a, b], 40, seed: 3);
        IReadOnlyList<SweepCandidate> again = SweepCandidates.Random([a, b], 40, seed: 3);
        Assert.Equal(40, one.Select(c => (c.Values[0], c.Values[1])).Distinct().Count());
        Assert.Equal(one.Select(c => (c.Values[0], c.Values[1])), again.Select(c => (c.Values[0], c.Values[1])));
        Assert.NotEqual(one.Select(c => (c.Values[0], c.Values[1])), SweepCandidates.Random([a, b], 40, seed: 4).Select(c => (c.Values[0], c.Values[1])));
        Assert.Equal(2500, SweepCandidates.Random([a, b], 5000, seed: 3).Count);
    }

    [Fact]
    public void Ranking_IsBestFirst_LowestDrawdownFirst_UnscoredLast_TiesByIndex()
    {
        CandidateResult R(int index, double? score) => new(index, [index], score, score is null ? "refused" : null, null);
        CandidateResult[] results = [R(0, 0.5), R(1, null), R(2, 2.0), R(3, 0.5), R(4, -1)];
        Assert.Equal([2, 0, 3, 4, 1], SweepRanking.Sort(results, OptimizationObjective.Sharpe).Select(r => r.Index));
        Assert.Equal([4, 0, 3, 2, 1], SweepRanking.Sort(results, OptimizationObjective.MaxDrawdown).Select(r => r.Index));
    }

    [Fact]
    public void WalkForward_WindowsStepByTheTestSpan_ByCalendarMonths()
    {
        WalkForwardSpec spec = WalkForwardSpec.TryParse("train=6m,test=1m", out string? problem)!;
        Assert.Null(problem);
        long first = Ns(new DateTime(2024, 1, 31, 14, 30, 0, DateTimeKind.Utc));
        long end = Ns(new DateTime(2024, 10, 15, 0, 0, 0, DateTimeKind.Utc));
        IReadOnlyList<WalkForwardWindow> windows = spec.Windows(first, end);
        Assert.Equal(
            ["2024-01-31..2024-07-31 | 2024-07-31..2024-08-31", "2024-02-29..2024-08-29 | 2024-08-29..2024-09-29", "2024-03-31..2024-09-30 | 2024-09-30..2024-10-15"],
            windows.Select(w => $"{Day(w.TrainFromNs)}..{Day(w.TrainToNs)} | {Day(w.TestFromNs)}..{Day(w.TestToNs)}"));
        Assert.Null(WalkForwardSpec.TryParse("train=6m", out problem));
        Assert.Contains("needs both", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ArraySource_ReplaysOnlyTheRange_AndSharesTheArray()
    {
        MarketTick[] ticks = [.. Enumerable.Range(0, 10).Select(i => new MarketTick { Kind = EventKind.Bar, TsEventNs = 100 + (i / 2 * 10), PriceRaw = i })];
        var a = new ArrayMarketDataSource(ticks, fromNs: 110, toNs: 130);
        var b = new ArrayMarketDataSource(ticks);
        var seen = new List<long>();
        while (a.TryGetNext(out MarketTick t))
        {
            seen.Add(t.PriceRaw);
            Assert.True(b.TryGetNext(out _));
        }

        Assert.Equal([2, 3, 4, 5], seen);
        Assert.Equal(0, ArrayMarketDataSource.FirstAtOrAfter(ticks, long.MinValue));
        Assert.Equal(10, ArrayMarketDataSource.FirstAtOrAfter(ticks, 141));
    }

    [Fact]
    public void ArraySource_AllocatesNothingPerTick()
    {
        MarketTick[] ticks = [.. Enumerable.Range(0, 100_000).Select(i => new MarketTick { Kind = EventKind.Bar, TsEventNs = i, PriceRaw = i })];
        var source = new ArrayMarketDataSource(ticks, fromNs: 10);
        source.TryGetNext(out _); // warm
        long sum = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        while (source.TryGetNext(out MarketTick tick))
        {
            sum += tick.PriceRaw;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(Enumerable.Range(11, 100_000 - 11).Sum(i => (long)i), sum);
    }

    private static long Ns(DateTime t) => (t - DateTime.UnixEpoch).Ticks * 100;

    private static string Day(long ns) => DateTime.UnixEpoch.AddTicks(ns / 100).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
