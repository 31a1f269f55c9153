using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Orchestrator.Core;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Engine;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Ring;
using Orchestrator.Engine.Snapshots;
using Orchestrator.Engine.State;

namespace Orchestrator.Daemon;

/// <summary>The <c>replay</c> command: what a journal holds, and the state it rebuilds.</summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var journal = new Option<string>("--journal") { Description = "The journal directory (run --journal DIR wrote it)", Required = true };
        var config = new Option<string>("--config") { Description = "The configuration the journal was written with (symbols, risk, sizing)", DefaultValueFactory = _ => "config" };
        var json = new Option<bool>("--json") { Description = "Print the rebuilt state as one JSON object (cash, positions, every order with its fills) instead of text" };
        var command = new Command("replay", "Print what a journal holds, rebuild the engine's state from the whole journal (orders are not sent), and list the snapshots present") { journal, config, json };
        command.SetAction(parse => Run(parse.GetValue(journal)!, parse.GetValue(config)!, Console.Out, Console.Error, parse.GetValue(json)));
        return command;
    }

    /// <summary>0 replayed; 1 the journal is corrupt; 2 bad arguments or configuration.</summary>
    public static int Run(string journalDirectory, string configDir, TextWriter output, TextWriter error) => Run(journalDirectory, configDir, output, error, json: false);

    /// <summary>As <see cref="Run(string, string, TextWriter, TextWriter)"/>; with <paramref name="json"/>, the state as JSON (<see cref="WriteJson"/>).</summary>
    public static int Run(string journalDirectory, string configDir, TextWriter output, TextWriter error, bool json)
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

        if (json)
        {
            output.WriteLine(WriteJson(journalDirectory, replay));
            return DaemonCli.ExitOk;
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
                    $"  {e.Symbols.GetName(s)}: {e.Portfolio.Units.Format(s, e.Portfolio.Quantity(s))} @ {FixedPoint.Format(e.Portfolio.AvgCostRaw(s))} (last {FixedPoint.Format(e.Market.LastRaw(s))})"));
            }
        }

        return DaemonCli.ExitOk;
    }

    /// <summary>
    /// The rebuilt state for programs: journal extent, starting cash (the configuration's: the journal
    /// does not hold the venue's), cash, equity, counters, final states, every symbol's position, and
    /// every order the order table still holds (client order id, symbol, side, quantity, filled,
    /// average fill price, status, origin; <c>orders_overwritten</c> counts older ones whose slots were reused).
    /// </summary>
    public static string WriteJson(string journalDirectory, JournalReplay replay)
    {
        ArgumentNullException.ThrowIfNull(replay);
        TradingEngine e = replay.Engine;
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("journal", journalDirectory);
            w.WriteNumber("events", replay.Events.Values.Sum());
            w.WriteNumber("first_sequence", replay.FirstSequence);
            w.WriteNumber("last_sequence", replay.LastSequence);
            w.WriteBoolean("torn_tail", replay.TornTail is not null);
            w.WriteNumber("starting_cash", FixedPoint.ToDecimal(e.Portfolio.StartingCashRaw));
            w.WriteNumber("cash", FixedPoint.ToDecimal(e.Portfolio.CashRaw));
            w.WriteNumber("equity", FixedPoint.ToDecimal(e.Portfolio.EquityRaw));
            w.WriteNumber("orders_submitted", e.Counters.OrdersSubmitted);
            w.WriteNumber("fills", e.Counters.Fills);
            w.WriteNumber("risk_parameter_changes", e.Counters.RiskParameterChanges);
            w.WriteNumber("open_orders", e.Orders.OpenCount);
            w.WriteBoolean("kill_switch", e.Risk.KillSwitchEngaged);
            w.WriteStartObject("orders_by_final_state");
            foreach (OrderStatus status in new[] { OrderStatus.Filled, OrderStatus.Canceled, OrderStatus.Rejected, OrderStatus.Expired })
            {
                w.WriteNumber(status.ToString(), e.Counters.OrdersFinished(status));
            }

            w.WriteEndObject();
            w.WriteStartArray("positions");
            for (int s = 0; s < e.Symbols.Count; s++)
            {
                w.WriteStartObject();
                w.WriteString("symbol", e.Symbols.GetName(s));
                w.WriteNumber("quantity", e.Portfolio.Units.ToDecimal(s, e.Portfolio.Quantity(s))); // shares (issue 19)
                w.WriteNumber("average_cost", FixedPoint.ToDecimal(e.Portfolio.AvgCostRaw(s)));
                w.WriteNumber("realized_pnl", FixedPoint.ToDecimal(e.Portfolio.RealizedRaw(s)));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            var orders = new List<OrderRecord>();
            for (int slot = 0; slot < e.Orders.Capacity; slot++)
            {
                if (e.Orders[slot].ClientOrderId != 0)
                {
                    orders.Add(e.Orders[slot]);
                }
            }

            orders.Sort((a, b) => a.ClientOrderId.CompareTo(b.ClientOrderId));
            w.WriteNumber("orders_overwritten", e.Orders.Created - orders.Count);
            w.WriteStartArray("orders");
            foreach (OrderRecord o in orders)
            {
                w.WriteStartObject();
                w.WriteNumber("client_order_id", o.ClientOrderId);
                w.WriteString("symbol", e.Symbols.GetName(o.SymbolId));
                w.WriteString("side", o.Side.ToString());
                w.WriteNumber("quantity", e.Portfolio.Units.ToDecimal(o.SymbolId, o.Quantity));
                w.WriteNumber("filled", e.Portfolio.Units.ToDecimal(o.SymbolId, o.FilledQuantity));
                w.WriteNumber("average_fill_price", FixedPoint.ToDecimal(o.AvgFillPriceRaw));
                w.WriteString("status", o.Status.ToString());
                w.WriteString("origin", o.Origin.ToString());
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Time(long ns) => DateTimeOffset.UnixEpoch.AddTicks(ns / 100).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
