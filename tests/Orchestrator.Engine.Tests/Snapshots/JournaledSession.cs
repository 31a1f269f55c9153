using System.Diagnostics;
using Disruptor;
using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Ring;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Snapshots;

/// <summary>
/// A live, threaded engine with a journal and a gateway that acknowledges every order and fills
/// those of symbol 0 at once (orders in other symbols stay open). The test thread publishes input
/// and waits for the rings to be quiet between phases — a condition, never a sleep.
/// </summary>
internal sealed class JournaledSession
{
    private static readonly TimeSpan s_quiet = TimeSpan.FromSeconds(30);
    private long _ts = EngineHarness.T0;
    private long _step;

    public JournaledSession(EngineOptions options)
    {
        Options = options;
        Engine = new TradingEngine(options, NullAuditWriter.Instance);
        Engine.ConnectGateway(new FillingGateway(Engine));
        Engine.Start();
    }

    public EngineOptions Options { get; }

    public TradingEngine Engine { get; }

    public long NowNs => _ts;

    /// <summary>Three symbols, both rules on short periods, fixed-quantity sizing, a per-second order limit, small segments.</summary>
    public static EngineOptions DefaultOptions(string journal) => EngineHarness.DefaultOptions() with
    {
        Symbols = ["AAPL", "MSFT", "NVDA"],
        OrderCapacity = 1024,
        JournalDirectory = journal,
        Journal = new JournalOptions { Fsync = JournalFsync.None, SegmentSizeBytes = 16 * 1024 },
        Rules = new RuleOptions { MomentumEnabled = true, MomentumFastPeriod = 4, MomentumSlowPeriod = 9, RsiReversionEnabled = true, RsiPeriod = 5 },
        Risk = EngineHarness.DefaultOptions().Risk with { MaxOrdersPerSecond = 1, MaxOrdersPerMinute = 40 },
    };

    /// <summary>Ticks on a wavy path for every symbol, and an outside signal every 20 steps; then waits until quiet.</summary>
    public void Trade(int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            _step++;
            _ts += EngineHarness.Second / 4;
            for (int s = 0; s < Engine.Symbols.Count; s++)
            {
                long wave = (long)(Math.Sin((_step + (s * 7)) / 6.0) * 3_000_000);
                Engine.PublishMarketData(new MarketTick { Kind = EventKind.TradeTick, SymbolId = s, PriceRaw = 100_000_000 + (s * 10_000_000) + wave, Size = 100, TsEventNs = _ts });
            }

            if (_step % 20 == 0)
            {
                // Two at once: the second meets the per-second limit when the first passed.
                Engine.PublishSignal((int)(_step / 20 % 3), _step % 40 == 0 ? Side.Sell : Side.Buy, 900_000, 0, _step, "agent-" + (_step % 3), "step " + _step, _ts);
                Engine.PublishSignal((int)((_step / 20) + 1) % 3, Side.Buy, 800_000, 0, -_step, "agent-x", null, _ts);
            }
        }

        Quiet();
    }

    public void Quiet() => Assert.True(Engine.WaitUntilQuiet(s_quiet), "the engine did not go quiet");

    /// <summary>Publishes a checkpoint and waits (a condition, with a deadline) until its snapshot file is written.</summary>
    public void Checkpoint()
    {
        long before = Engine.Checkpoints!.Written;
        Engine.RequestCheckpoint(_ts);
        Quiet();
        var deadline = Stopwatch.StartNew();
        while (Engine.Checkpoints.Written == before)
        {
            Assert.True(deadline.Elapsed < s_quiet, "no snapshot was written");
            Thread.Yield();
        }
    }

    public void Stop() => Assert.Equal(ShutdownResult.Drained, Engine.Shutdown(s_quiet));

    private sealed class FillingGateway(TradingEngine engine) : IValueEventHandler<OrderCommand>
    {
        public void OnEvent(ref OrderCommand data, long sequence, bool endOfBatch)
        {
            var report = new ExecutionReport { ClientOrderId = data.ClientOrderId, SymbolId = data.SymbolId, Side = data.Side, TsEventNs = data.TsEventNs };
            if (data.Kind == OrderCommandKind.CancelOrder)
            {
                report.ExecType = ExecutionType.Canceled;
                engine.PublishExecutionReport(report);
                return;
            }

            report.ExecType = ExecutionType.Accepted;
            report.LeavesQuantity = data.Quantity;
            engine.PublishExecutionReport(report);
            if (data.SymbolId == 0)
            {
                report.ExecType = ExecutionType.Fill;
                report.FillQuantity = data.Quantity;
                report.LeavesQuantity = 0;
                report.FillPriceRaw = 100_000_000 + (data.TsEventNs % 1_000_000);
                report.CommissionRaw = 1_000;
                engine.PublishExecutionReport(report);
            }
        }
    }
}
