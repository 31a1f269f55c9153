using System.Text.Json;
using Orchestrator.Core;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// The real daemon (paper venue, synthetic feed) started twice on one journal: what a restart finds
/// on disk decides what it does — continue trading after the journal's time, or refuse to start on a
/// damaged journal without touching it, replay a live change of any size (issue 15 items 1, 4 and 14).
/// </summary>
public sealed class JournalRestartTests : IDisposable
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);
    private readonly string _root = Directory.CreateTempSubdirectory("orc-journal-restart-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Journal => Path.Combine(_root, "journal");

    [Fact]
    public async Task ASecondRunOnTheJournal_ContinuesAfterTheJournalsEventTime_AndTrades()
    {
        string config = CopyConfig();
        using JsonDocument first = await RunAsync(config, "first");
        using JsonDocument second = await RunAsync(config, "second");

        long firstOrders = first.RootElement.GetProperty("orders_submitted").GetInt64();
        long secondOrders = second.RootElement.GetProperty("orders_submitted").GetInt64();
        Assert.True(firstOrders > 10, $"the first run traded ({firstOrders} orders)");
        // Before the fix the second run's feed went back to its fixed start time and all but one signal was a DuplicateSignal.
        Assert.True(secondOrders > 10, $"the second run places orders too ({secondOrders}; rejects {second.RootElement.GetProperty("rejects")})");

        // Event time: every market event of the second run's segment is after every one of the first's.
        var maxBySegment = new List<(long Min, long Max)>();
        using (var reader = new JournalReader(Journal))
        {
            var e = default(EngineEvent);
            while (reader.ReadNext())
            {
                if (reader.RecordType != JournalRecordType.EngineEvent)
                {
                    continue;
                }

                reader.ReadEvent(ref e);
                if (e.Kind is not (EventKind.TradeTick or EventKind.QuoteTick or EventKind.Bar))
                {
                    continue;
                }

                while (maxBySegment.Count <= reader.SegmentIndex)
                {
                    maxBySegment.Add((long.MaxValue, long.MinValue));
                }

                (long min, long max) = maxBySegment[reader.SegmentIndex];
                maxBySegment[reader.SegmentIndex] = (Math.Min(min, e.TsEventNs), Math.Max(max, e.TsEventNs));
            }
        }

        Assert.Equal(2, maxBySegment.Count); // one segment per run
        Assert.True(maxBySegment[1].Min > maxBySegment[0].Max, $"second run's first market event {maxBySegment[1].Min} must follow the first run's last {maxBySegment[0].Max}");
    }

    /// <summary>Issue 15 item 1: a segment overwritten with zeros was taken for a torn tail and deleted, and the daemon traded on.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AZeroedSegment_StopsTheStart_WithExitCode2_NamingSegmentAndOffset_AndTheFileStays(bool withSnapshot)
    {
        string config = CopyConfig();
        using (await RunAsync(config, "first", withSnapshot ? ["--snapshot-interval", "500ms"] : ["--snapshot-interval", "0"]))
        {
        }

        Assert.Equal(withSnapshot, SnapshotFile.List(Journal).Length > 0);
        string segment = Assert.Single(JournalReader.ListSegments(Journal));
        long length = new FileInfo(segment).Length;
        File.WriteAllBytes(segment, new byte[length]);

        using DaemonProcess daemon = Start(config, "second", ["--duration", "3s"]);
        Assert.True(await daemon.WaitForExitAsync(s_hang), "the daemon did not stop\n" + daemon.Tail());

        Assert.Equal(2, daemon.ExitCode);
        string refusal = Assert.Single(daemon.Lines, l => l.Contains("Journal corrupt", StringComparison.Ordinal));
        Assert.Contains(segment, refusal, StringComparison.Ordinal);
        Assert.Contains("offset 0", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain(daemon.Lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal)); // one line, no stack trace
        Assert.DoesNotContain(daemon.Lines, l => l.Contains("Step 3/6", StringComparison.Ordinal)); // nothing traded
        Assert.Equal(new byte[length], File.ReadAllBytes(segment)); // the evidence is still there, untouched
        Assert.Empty(Directory.GetFiles(Journal, "*.torn"));
    }

    /// <summary>
    /// Issue 15 item 14: a live change whose allowed_symbols list was over one journal record (4 KiB)
    /// "could not be journaled": the daemon crashed, and the journal (with the file as it was) could not start again.
    /// </summary>
    [Fact]
    public async Task ALiveRiskChange_WithALongAllowedSymbolsList_IsJournaled_AndTheJournalRestartsAndReplays()
    {
        string config = CopyConfig();
        using (DaemonProcess first = Start(config, "first", ["--duration", "120s"]))
        {
            Assert.NotNull(await first.WaitForLineAsync(l => l.Contains("Step 6/6", StringComparison.Ordinal), s_hang));
            // The watch list and 3,000 more names: about 30 KB, seven times what one journal record holds.
            string names = string.Join(", ", new[] { "AAPL", "MSFT", "NVDA" }.Concat(Enumerable.Range(0, 3_000).Select(i => "X" + i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture))));
            string riskFile = Path.Combine(config, "risk_management.yaml");
            string risk = await File.ReadAllTextAsync(riskFile);
            Assert.Contains("allowed_symbols: []", risk, StringComparison.Ordinal);
            await File.WriteAllTextAsync(riskFile, risk.Replace("allowed_symbols: []", "allowed_symbols: [" + names + "]", StringComparison.Ordinal));

            string? applied = await first.WaitForLineAsync(l => l.Contains("risk_management.yaml changed: risk parameters version", StringComparison.Ordinal), s_hang);
            Assert.True(applied is not null, "the change was not applied\n" + first.Tail());
            Assert.True(await first.TerminateAsync(s_hang), "the daemon did not stop on SIGTERM\n" + first.Tail());
            Assert.True(first.ExitCode == 0, $"the first run exited with {first.ExitCode}\n" + first.Tail());
        }

        // The journal holds the change whole ...
        long riskRecords = 0;
        IReadOnlyList<string>? journaled = null;
        using (var reader = new JournalReader(Journal))
        {
            while (reader.ReadNext())
            {
                if (reader.RecordType is JournalRecordType.RiskParameters or JournalRecordType.RiskAllowedSymbols)
                {
                    riskRecords++;
                    journaled = reader.RiskParameters!.Risk.AllowedSymbols;
                }
            }
        }

        Assert.True(riskRecords > 1, "the long list spans several records");
        Assert.Equal(3_003, journaled!.Count);

        // ... a restart on it (with the file as it is now, applied again at start-up) runs and stops cleanly ...
        using (await RunAsync(config, "second"))
        {
        }

        // ... and the whole journal replays.
        using DaemonProcess replay = DaemonProcess.Start(_root, Path.Combine(_root, "replay.out"), ["replay", "--journal", Journal, "--config", config]);
        Assert.True(await replay.WaitForExitAsync(s_hang), "replay did not end\n" + replay.Tail());
        Assert.True(replay.ExitCode == 0, $"replay exited with {replay.ExitCode}\n" + replay.Tail());
    }

    private async Task<JsonDocument> RunAsync(string config, string name, string[]? more = null)
    {
        string report = Path.Combine(_root, name + "-report.json");
        using DaemonProcess daemon = Start(config, name, ["--duration", "3s", "--report", report, .. more ?? []]);
        Assert.True(await daemon.WaitForExitAsync(s_hang), $"{name} run did not stop\n" + daemon.Tail());
        Assert.True(daemon.ExitCode == 0, $"{name} run exited with {daemon.ExitCode}\n" + daemon.Tail());
        return JsonDocument.Parse(await File.ReadAllTextAsync(report));
    }

    private DaemonProcess Start(string config, string name, string[] more) =>
        DaemonProcess.Start(_root, Path.Combine(_root, name + ".out"),
            ["run", "--config", config, "--journal", Journal, "--headless", "--ticks-per-second", "500", "--log-dir", Path.Combine(_root, "logs"), .. more]);

    /// <summary>The committed configuration (paper venue, synthetic feed), copied so nothing the daemon writes lands in the repository.</summary>
    private string CopyConfig()
    {
        string target = Path.Combine(_root, "config");
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(Path.Combine(Logging.LoggingSetupTests.RepoRoot(), "config")))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return target;
    }
}
