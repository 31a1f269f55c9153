namespace Orchestrator.Benchmarks.Tests;

public sealed class GoalTests
{
    [Theory]
    [InlineData(10.0, 10.0, GoalBound.AtLeast, true)] // "≥ 10x Channels": exactly 10x meets it
    [InlineData(9.99, 10.0, GoalBound.AtLeast, false)]
    [InlineData(2.0, 2.0, GoalBound.AtMost, true)] // "within 2x of the bare hop": exactly 2x meets it
    [InlineData(2.01, 2.0, GoalBound.AtMost, false)]
    [InlineData(4.99, 5.0, GoalBound.Below, true)] // "p50 < 5 µs": 5 µs misses it
    [InlineData(5.0, 5.0, GoalBound.Below, false)]
    [InlineData(double.NaN, 10.0, GoalBound.AtLeast, false)] // nothing measured never meets a goal
    [InlineData(double.NaN, 5.0, GoalBound.Below, false)]
    [InlineData(double.PositiveInfinity, 10.0, GoalBound.AtLeast, false)]
    public void Met_ComparesMeasuredWithTargetOnItsBound(double measured, double target, GoalBound bound, bool met)
    {
        Assert.Equal(met, new Goal("s", "g", measured, target, bound).Met);
    }

    [Fact]
    public void Ratio_OverNothingMeasured_IsNaN()
    {
        Assert.Equal(2.5, Goal.Ratio(5, 2));
        Assert.True(double.IsNaN(Goal.Ratio(5, 0)));
        Assert.True(double.IsNaN(Goal.Ratio(0, 0)));
    }

    [Fact]
    public void ToString_IsOneKeyValueLineWithTheVerdict()
    {
        Assert.Equal(
            "scenario=pipeline3 goal=disruptor_vs_handwired measured=0.87 target=>=0.9 verdict=missed",
            new Goal("pipeline3", "disruptor_vs_handwired", 0.8712, 0.9, GoalBound.AtLeast).ToString());
        Assert.Equal(
            "scenario=tick_to_order goal=p99_us measured=13.20 target=<50 verdict=met",
            new Goal("tick_to_order", "p99_us", 13.2, 50, GoalBound.Below).ToString());
    }
}
