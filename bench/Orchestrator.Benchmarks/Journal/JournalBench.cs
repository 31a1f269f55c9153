using System.Diagnostics;
using System.Globalization;
using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Options;

namespace Orchestrator.Benchmarks.Journal;

/// <summary>
/// Journal handler cost per event (<c>--journal</c>): fsync None and EveryBatch, batches of 1 and
/// 64, writing to a temp directory that is deleted afterwards. The event mix is the live one's
/// shape: mostly trade ticks, a signal every 16th event, an execution report every 32nd. Each case
/// grows its run until it lasts long enough to time, then prints the best of three runs. Then a
/// snapshot of 1,000 symbols and a 65,536-order table: fast-path capture, background write, recovery.
/// </summary>
internal static class JournalBench
{
    private const int TimedRuns = 3;
    private static readonly TimeSpan s_minimumRun = TimeSpan.FromMilliseconds(300);

    public static int Run(TextWriter output)
    {
        string root = Path.Combine(Path.GetTempPath(), "orcj-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# journal handler: temp dir {root}, best of {TimedRuns} runs, mix 15/16 ticks, 1/16 signals, 1/32 reports"));
        try
        {
            foreach (JournalFsync fsync in new[] { JournalFsync.None, JournalFsync.EveryBatch })
            {
                foreach (int batch in new[] { 1, 64 })
                {
                    Measure(output, Path.Combine(root, fsync.Mode + "-" + batch.ToString(CultureInfo.InvariantCulture)), fsync, batch);
                }
            }

            MeasureSnapshot(output, Path.Combine(root, "snapshot"), symbols: 1_000, orderCapacity: 1 << 16);
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }

        return 0;
    }

    private static void Measure(TextWriter output, string directory, JournalFsync fsync, int batch)
    {
        var options = new JournalOptions { Fsync = fsync };
        var sources = new TextInterner();
        var reasons = new TextInterner();
        int source = sources.Intern("bench-agent");
        int reason = reasons.Intern("benchmark signal");
        using var writer = new JournalWriter(directory, options);
        var handler = new JournalHandler(writer, options, sources, reasons);
        var driver = new Driver(handler, batch, source, reason);

        driver.Run(batch * 64); // warm-up: JIT, first segment, first texts
        long events = batch * 256L;
        double bestNs = double.MaxValue;
        int timed = 0;
        while (timed < TimedRuns)
        {
            long syncsBefore = writer.Syncs;
            long start = Stopwatch.GetTimestamp();
            driver.Run(events);
            TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
            if (elapsed < s_minimumRun && events < 1L << 26)
            {
                events *= 2;
                continue;
            }

            bestNs = Math.Min(bestNs, elapsed.TotalNanoseconds / events);
            timed++;
            if (timed == TimedRuns)
            {
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"scenario=journal fsync={fsync.Mode} batch={batch} events={events} syncs={writer.Syncs - syncsBefore} ns_per_event={bestNs:F0} events_per_s={1e9 / bestNs:F0}"));
            }
        }
    }

    /// <summary>
    /// A snapshot of an engine with <paramref name="symbols"/> symbols (indicators warm) and an order
    /// table of <paramref name="orderCapacity"/>: the stall of the stages writing their sections on the
    /// fast path (the Checkpoint command through the handler chain), the background write (file,
    /// fsync, rename, directory fsync), and recovery loading it. Best of five.
    /// </summary>
    private static void MeasureSnapshot(TextWriter output, string directory, int symbols, int orderCapacity)
    {
        Directory.CreateDirectory(directory);
        var options = new EngineOptions
        {
            Symbols = [.. Enumerable.Range(0, symbols).Select(i => "S" + i.ToString("D4", CultureInfo.InvariantCulture))],
            OrderCapacity = orderCapacity,
            JournalDirectory = directory,
        };
        var engine = new TradingEngine(options, NullAuditWriter.Instance);
        long sequence = 0;
        for (int round = 0; round < 30; round++)
        {
            for (int s = 0; s < symbols; s++)
            {
                var tick = new EngineEvent { Kind = EventKind.TradeTick, SymbolId = s, PriceRaw = 100_000_000 + (round * 10_000), Size = 100, TsEventNs = 1_700_000_000_000_000_000 + sequence };
                engine.ProcessInline(ref tick, sequence++);
            }
        }

        double captureUs = double.MaxValue, writeMs = double.MaxValue, loadMs = double.MaxValue;
        for (int run = 0; run < 5; run++)
        {
            var checkpoint = new EngineEvent { Kind = EventKind.Command, SymbolId = -1, Command = CommandKind.Checkpoint, TsEventNs = 1_700_000_000_000_000_000 + sequence };
            long start = Stopwatch.GetTimestamp();
            engine.ProcessInline(ref checkpoint, sequence++);
            captureUs = Math.Min(captureUs, Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            start = Stopwatch.GetTimestamp();
            engine.Checkpoints!.WriteReady();
            writeMs = Math.Min(writeMs, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            start = Stopwatch.GetTimestamp();
            var recovered = new TradingEngine(options, NullAuditWriter.Instance);
            loadMs = Math.Min(loadMs, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            recovered.Shutdown(TimeSpan.FromSeconds(5));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scenario=snapshot symbols={symbols} order_capacity={orderCapacity} bytes={engine.SnapshotLayout.BodyBytes} capture_us={captureUs:F0} write_ms={writeMs:F1} recover_ms={loadMs:F1}"));
        engine.Shutdown(TimeSpan.FromSeconds(5));
    }

    /// <summary>Feeds the handler a deterministic mix, closing a batch every <c>batch</c> events.</summary>
    private sealed class Driver(JournalHandler handler, int batch, int source, int reason)
    {
        private long _sequence;

        public void Run(long events)
        {
            EngineEvent e = default;
            for (long i = 0; i < events; i++)
            {
                long s = _sequence;
                if ((s & 15) == 7)
                {
                    e = default;
                    e.Kind = EventKind.TradeSignal;
                    e.SymbolId = 1;
                    e.TsEventNs = 1_700_000_000_000_000_000 + s;
                    e.SignalSide = Side.Buy;
                    e.ConfidencePpm = 800_000;
                    e.SignalId = s;
                    e.SourceId = source;
                    e.ReasonId = reason;
                }
                else if ((s & 31) == 15)
                {
                    e = default;
                    e.Kind = EventKind.ExecutionReport;
                    e.SymbolId = 1;
                    e.TsEventNs = 1_700_000_000_000_000_000 + s;
                    e.ExecType = ExecutionType.Fill;
                    e.ReportOrderId = s;
                    e.FillQuantity = 100;
                    e.FillPriceRaw = 100_000_000;
                }
                else
                {
                    e = default;
                    e.Kind = EventKind.TradeTick;
                    e.SymbolId = (int)(s & 3);
                    e.TsEventNs = 1_700_000_000_000_000_000 + s;
                    e.PriceRaw = 100_000_000 + (s & 1023);
                    e.Size = 100;
                }

                handler.OnEvent(ref e, s, endOfBatch: (s + 1) % batch == 0);
                _sequence++;
            }
        }
    }
}
