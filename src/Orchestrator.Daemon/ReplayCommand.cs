using System.CommandLine;
using System.Globalization;
using Orchestrator.Core;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Engine;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Snapshots;
using Orchestrator.RingBuffer;

namespace Orchestrator.Daemon;

/// <summary>The <c>replay</c> command: what a journal holds, and the state it rebuilds.</summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var journal = new Option<string>("--journal") { Description = "The journal directory (run --journal DIR wrote it)", Required = true };
        var config = new Option<string>("--config") { Description = "The configuration the journal was written with (symbols, risk, sizing)", DefaultValueFactory = _ => "config" };
        var command = new Command("replay", "Print what a journal holds, rebuild the engine's state from the whole journal (orders are not sent), and list the snapshots present") { journal, config };
        command.SetAction(parse => Run(parse.GetValue(journal)!, parse.GetValue(config)!, Console.Out, Console.Error));
        return command;
    }

    /// <summary>0 replayed; 1 the journal is corrupt; 2 bad arguments or configuration.</summary>
    public static int Run(string journalDirectory, string configDir, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!Directory.Exists(journalDirectory) || JournalReader.ListSegments(journalDirectory).Length == 0)
        {
            error.WriteLine($"--journal: no journal segments in '{journalDirectory}'");
            return DaemonCli.ExitConfigError;
        }

        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = ConfigLoader.Load(configDir);
        if (config is null)
        {
            foreach (ConfigError problem in errors)
            {
                error.WriteLine(problem.ToString());
            }

            return DaemonCli.ExitConfigError;
        }

        JournalReplay replay;
        try
        {
            replay = JournalReplayer.Replay(journalDirectory, DaemonCli.BuildOptions(config, 0, 0, WaitStrategyKind.Blocking).Engine);
        }
        catch (Exception ex) when (ex is JournalCorruptException or InvalidDataException or IOException)
        {
            error.WriteLine("replay failed: " + ex.Message);
            return DaemonCli.ExitFault;
        }

        TradingEngine e = replay.Engine;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"journal {journalDirectory}: {replay.Events.Values.Sum():N0} events (sequences {replay.FirstSequence}..{replay.LastSequence}), {replay.Texts} texts; {string.Join(", ", replay.Events.Select(k => $"{k.Key} {k.Value:N0}"))}"));
        if (replay.FirstTsNs != 0)
        {
            output.WriteLine($"event time {Time(replay.FirstTsNs)} .. {Time(replay.LastTsNs)}");
        }

        foreach (string path in SnapshotFile.List(journalDirectory))
        {
            output.WriteLine(SnapshotFile.TryRead(path, e.SnapshotLayout, out SnapshotInfo? info, out string? reason) is null
                ? $"snapshot {Path.GetFileName(path)}: not usable with this configuration: {reason}"
                : string.Create(CultureInfo.InvariantCulture, $"snapshot {Path.GetFileName(path)}: covers journal sequence {info!.CoveredSequence} (event time {Time(info.TsEventNs)}); recovery would start from the newest usable one"));
        }

        if (replay.TornTail is { } torn)
        {
            output.WriteLine($"torn last record in {torn.SegmentPath} ({torn.BytesCut} bytes after offset {torn.GoodLength}: {torn.Reason}); the daemon cuts it at its next start");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"state: cash {FixedPoint.Format(e.Portfolio.CashRaw)}, equity {FixedPoint.Format(e.Portfolio.EquityRaw)}, orders {e.Counters.OrdersSubmitted}, fills {e.Counters.Fills}, open orders {e.Orders.OpenCount}, kill switch {(e.Risk.KillSwitchEngaged ? "engaged" : "off")}"));
        for (int s = 0; s < e.Symbols.Count; s++)
        {
            if (e.Portfolio.Quantity(s) != 0)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {e.Symbols.GetName(s)}: {e.Portfolio.Quantity(s)} @ {FixedPoint.Format(e.Portfolio.AvgCostRaw(s))} (last {FixedPoint.Format(e.Market.LastRaw(s))})"));
            }
        }

        return DaemonCli.ExitOk;
    }

    private static string Time(long ns) => DateTimeOffset.UnixEpoch.AddTicks(ns / 100).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
