using System.Diagnostics;
using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;

namespace Orchestrator.Benchmarks.Latency;

/// <summary>
/// The signal → order path stage by stage, with no rings and no threads: an engine that is not
/// started, driven inline on one thread (as a backtest drives it) through the same cycle the
/// latency bench's signal scenario runs — a signal (buy and sell in turn), the order it causes,
/// and that order's full fill. Each stage's <c>OnEvent</c> is timed on its own, so a change in
/// one stage shows even when the end-to-end p50 is lost in the waits and the box's load.
/// <para>
/// Figures are ns per event per stage (mean and p50 over the measured cycles). On a shared box
/// compare builds by instructions, which load does not change: run this mode under
/// <c>perf stat -e instructions:u</c> with two counts and divide the difference by the extra
/// cycles (the command line is printed).
/// </para>
/// </summary>
public static class SignalPathBench
{
    private const long TickNs = 1_000_000;
    private const int Stages = 4;
    private static readonly string[] s_stageNames = ["signal engine", "risk", "sizing", "order manager"];

    public static int Run(TextWriter output, string[] args)
    {
        long cycles = ArgValue(args, "--cycles", 1_000_000);
        long warmup = ArgValue(args, "--warmup", 200_000);
        var options = new EngineOptions
        {
            Symbols = ["AAPL"],
            StartingCash = 1_000_000_000m,
            Rules = new RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false },
            Exits = new ExitOptions { StopLossFraction = 0, TakeProfitFraction = 0, TrailingStopFraction = 0 },
            Risk = LatencyRig.OpenRisk,
            Sizing = LatencyRig.OneShare,
        };

        var engine = new TradingEngine(options, NullAuditWriter.Instance);
        var driver = new Driver(engine);
        driver.Tick();
        driver.Cycles(warmup, null);

        var signal = new long[Stages][];
        var report = new long[Stages][];
        for (int s = 0; s < Stages; s++)
        {
            signal[s] = new long[cycles];
            report[s] = new long[cycles];
        }

        long start = Stopwatch.GetTimestamp();
        driver.Cycles(cycles, new Timings(signal, report));
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

        output.WriteLine($"signal path, inline (one thread, no rings): {cycles:N0} cycles of signal + order + fill after {warmup:N0} warm-up cycles; {cycles / seconds / 1e6:0.00} M cycles/s with the timers");
        output.WriteLine($"{"stage",-14} {"signal mean",12} {"p50",6} {"fill mean",10} {"p50",6}  (ns, Stopwatch ticks of {1e9 / Stopwatch.Frequency:0.#} ns)");
        double tickNs = 1e9 / Stopwatch.Frequency;
        for (int s = 0; s < Stages; s++)
        {
            output.WriteLine($"{s_stageNames[s],-14} {Mean(signal[s]) * tickNs,12:0.0} {Median(signal[s]) * tickNs,6:0} {Mean(report[s]) * tickNs,10:0.0} {Median(report[s]) * tickNs,6:0}");
        }

        output.WriteLine("instructions per cycle, independent of load: `perf stat -e instructions:u dotnet Orchestrator.Benchmarks.dll --signal-path --cycles N` for two N, (difference) / (difference of N)");
        engine.Shutdown(TimeSpan.FromSeconds(10));
        return 0;
    }

    private static long ArgValue(string[] args, string name, long fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && long.TryParse(args[i + 1], out long value) && value > 0 ? value : fallback;
    }

    private static double Mean(long[] values)
    {
        double sum = 0;
        foreach (long v in values)
        {
            sum += v;
        }

        return sum / values.Length;
    }

    private static long Median(long[] values)
    {
        long[] copy = (long[])values.Clone();
        Array.Sort(copy);
        return copy[copy.Length / 2];
    }

    private sealed record Timings(long[][] Signal, long[][] Report);

    /// <summary>Runs the cycles; with timings, each stage's OnEvent is timed on its own.</summary>
    private sealed class Driver(TradingEngine engine)
    {
        private long _sequence;
        private long _step;
        private long _outboundRead = -1;

        public void Tick()
        {
            _step++;
            var e = new EngineEvent { Kind = EventKind.TradeTick, SymbolId = 0, PriceRaw = 100_000_000, Size = 100, TsEventNs = _step * TickNs };
            engine.ProcessInline(ref e, _sequence++);
        }

        public void Cycles(long count, Timings? timings)
        {
            for (long i = 0; i < count; i++)
            {
                _step++;
                var signal = new EngineEvent
                {
                    Kind = EventKind.TradeSignal,
                    SymbolId = 0,
                    SignalSide = (_step & 1) == 0 ? Side.Buy : Side.Sell,
                    ConfidencePpm = 900_000,
                    SignalId = _step,
                    TsEventNs = _step * TickNs,
                };
                Process(ref signal, timings?.Signal, i);
                if (engine.Outbound.Cursor == _outboundRead)
                {
                    throw new InvalidOperationException($"cycle {i}: the signal caused no order ({signal.Reject})");
                }

                _outboundRead = engine.Outbound.Cursor;
                var fill = new EngineEvent
                {
                    Kind = EventKind.ExecutionReport,
                    ReportOrderId = signal.ClientOrderId,
                    ExecType = ExecutionType.Fill,
                    FillQuantity = signal.Quantity,
                    FillPriceRaw = 100_000_000,
                    TsEventNs = _step * TickNs,
                };
                Process(ref fill, timings?.Report, i);
            }
        }

        private void Process(ref EngineEvent e, long[][]? timings, long index)
        {
            long sequence = _sequence++;
            if (timings is null)
            {
                engine.ProcessInline(ref e, sequence);
                return;
            }

            long t0 = Stopwatch.GetTimestamp();
            engine.SignalEngine.OnEvent(ref e, sequence, true);
            long t1 = Stopwatch.GetTimestamp();
            engine.Risk.OnEvent(ref e, sequence, true);
            long t2 = Stopwatch.GetTimestamp();
            engine.Sizing.OnEvent(ref e, sequence, true);
            long t3 = Stopwatch.GetTimestamp();
            engine.OrderManager.OnEvent(ref e, sequence, true);
            long t4 = Stopwatch.GetTimestamp();
            timings[0][index] = t1 - t0;
            timings[1][index] = t2 - t1;
            timings[2][index] = t3 - t2;
            timings[3][index] = t4 - t3;
        }
    }
}
