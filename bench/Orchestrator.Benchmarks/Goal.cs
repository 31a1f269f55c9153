using System.Globalization;

namespace Orchestrator.Benchmarks;

/// <summary>
/// One of issue 16's benchmark goals next to the figure measured for it, printed as one line:
/// <c>scenario=pipeline3 goal=disruptor_vs_channels measured=25.3 target=&gt;=10 verdict=met</c>.
/// Goals are reported, never asserted: a loaded machine misses them without anything being wrong.
/// </summary>
/// <param name="Scenario">The scenario the figure belongs to (<c>pipeline3</c>, <c>tick_to_order</c>).</param>
/// <param name="Name">What was measured (<c>disruptor_vs_channels</c>, <c>p99_us</c>, <c>p50_vs_bare_hop</c>).</param>
/// <param name="Measured">The figure.</param>
/// <param name="Target">The bound the figure must meet.</param>
/// <param name="Bound">Which side of <paramref name="Target"/> the figure must fall on.</param>
public sealed record Goal(string Scenario, string Name, double Measured, double Target, GoalBound Bound)
{
    /// <summary>Whether <see cref="Measured"/> meets <see cref="Target"/>; a figure that is not a number (a ratio over zero events) never does.</summary>
    public bool Met => !double.IsNaN(Measured) && !double.IsInfinity(Measured) && Bound switch
    {
        GoalBound.AtLeast => Measured >= Target,
        GoalBound.AtMost => Measured <= Target,
        GoalBound.Below => Measured < Target,
        _ => false,
    };

    /// <summary><paramref name="numerator"/> / <paramref name="denominator"/>, NaN when the denominator is not positive (nothing measured).</summary>
    public static double Ratio(double numerator, double denominator) => denominator > 0 ? numerator / denominator : double.NaN;

    public override string ToString()
    {
        string bound = Bound switch
        {
            GoalBound.AtLeast => ">=",
            GoalBound.AtMost => "<=",
            _ => "<",
        };
        return string.Create(CultureInfo.InvariantCulture, $"scenario={Scenario} goal={Name} measured={Measured:0.00} target={bound}{Target:0.##} verdict={(Met ? "met" : "missed")}");
    }
}

/// <summary>Which side of its target a <see cref="Goal"/>'s figure must fall on.</summary>
public enum GoalBound
{
    /// <summary>measured &gt;= target (throughput ratios).</summary>
    AtLeast,

    /// <summary>measured &lt;= target (latency ratios: "within 2x").</summary>
    AtMost,

    /// <summary>measured &lt; target (latency percentiles: "p50 &lt; 5 µs").</summary>
    Below,
}
