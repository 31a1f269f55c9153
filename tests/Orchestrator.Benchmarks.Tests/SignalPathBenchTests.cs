using Orchestrator.Benchmarks.Latency;

namespace Orchestrator.Benchmarks.Tests;

/// <summary>The stage bench: that every cycle is a real order and every stage is reported, never how fast.</summary>
public sealed class SignalPathBenchTests
{
    [Fact]
    public void Run_EverySignalBecomesAnOrder_AndEachStageGetsALine()
    {
        using var output = new StringWriter();

        // A signal the engine refused would end the run with an exception naming the cycle and the reason.
        Assert.Equal(0, SignalPathBench.Run(output, ["--cycles", "2000", "--warmup", "100"]));

        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(" cycles of signal + order + fill", lines[0], StringComparison.Ordinal);
        foreach (string stage in new[] { "signal engine", "risk", "sizing", "order manager" })
        {
            string row = Assert.Single(lines, l => l.StartsWith(stage + " ", StringComparison.Ordinal));
            // signal mean, signal p50, fill mean, fill p50
            Assert.Equal(4, row[stage.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        }
    }
}
