using System.Text.Json;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// The report's <c>gc</c> figures (issue 16), from the real daemon: collections per generation,
/// bytes allocated and pause time after a 5 s warm-up, or over the whole run when it was shorter.
/// </summary>
public sealed class GcReportTests
{
    [Fact]
    public async Task Run_LongerThanTheWarmup_ReportsGcFiguresCountedAfterIt()
    {
        string dir = Directory.CreateTempSubdirectory("orc-gc-").FullName;
        try
        {
            (JsonElement report, IReadOnlyList<string> lines, string tail) = await RunAsync(dir, "7s");

            JsonElement gc = report.GetProperty("gc");
            Assert.Equal(5, gc.GetProperty("warmup_s").GetDouble());
            AssertConsistent(gc, report, tail);
            Assert.True(report.GetProperty("audit_dropped").GetInt64() >= 0, tail);
            string status = lines.Last(l => l.Contains("Status: ", StringComparison.Ordinal));
            Assert.Matches(@" gc=\d+/\d+/\d+$", status);
            Assert.Contains(lines, l => l.Contains("Summary: ", StringComparison.Ordinal) && l.Contains("GC after a 5s warm-up: gen0 ", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Run_ShorterThanTheWarmup_CountsTheWholeRun_AndSaysSo()
    {
        string dir = Directory.CreateTempSubdirectory("orc-gc-short-").FullName;
        try
        {
            (JsonElement report, IReadOnlyList<string> lines, string tail) = await RunAsync(dir, "2s");

            JsonElement gc = report.GetProperty("gc");
            Assert.Equal(0, gc.GetProperty("warmup_s").GetDouble());
            AssertConsistent(gc, report, tail);
            Assert.True(gc.GetProperty("allocated_bytes").GetInt64() > 0, "the whole run, trading included, allocated nothing?\n" + tail); // counted from the start: the first fills allocate
            Assert.Contains(lines, l => l.Contains("Summary: ", StringComparison.Ordinal) && l.Contains("GC over the whole run (shorter than the warm-up)", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<(JsonElement Report, IReadOnlyList<string> Lines, string Tail)> RunAsync(string dir, string duration)
    {
        using var daemon = DaemonProcess.Start(dir, Path.Combine(dir, "console.txt"), ["run", "--headless", "--duration", duration, "--status-interval", "1s", "--ticks-per-second", "2000", "--report", "out.json"]);
        Assert.True(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(120)), daemon.Tail());
        Assert.True(daemon.ExitCode == 0, daemon.Tail());
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "out.json")));
        return (report.RootElement.Clone(), daemon.Lines, daemon.Tail());
    }

    /// <summary>
    /// Every figure present and possible: a gen1 collection is a gen0 one too (gen0 ≥ gen1 ≥ gen2 ≥ 0),
    /// nothing negative, and the counted span lies inside the run, after the warm-up.
    /// </summary>
    private static void AssertConsistent(JsonElement gc, JsonElement report, string tail)
    {
        int gen0 = gc.GetProperty("gen0").GetInt32();
        int gen1 = gc.GetProperty("gen1").GetInt32();
        int gen2 = gc.GetProperty("gen2").GetInt32();
        Assert.True(gen0 >= gen1 && gen1 >= gen2 && gen2 >= 0, $"gen0 {gen0} gen1 {gen1} gen2 {gen2}\n{tail}");
        Assert.True(gc.GetProperty("allocated_bytes").GetInt64() >= 0, tail);
        Assert.True(gc.GetProperty("pause_ms").GetDouble() >= 0, tail);
        double measured = gc.GetProperty("measured_s").GetDouble();
        double warmup = gc.GetProperty("warmup_s").GetDouble();
        Assert.True(measured > 0, tail);
        Assert.True(warmup + measured <= report.GetProperty("duration_s").GetDouble(), $"warm-up {warmup}s + counted {measured}s is longer than the run\n{tail}");
    }
}
