using Orchestrator.Core;

namespace Orchestrator.Engine.Tests.Support;

/// <summary>
/// Ticks on a deterministic wavy price path; every order is filled by the next event; optionally a
/// Checkpoint command every <c>checkpointEvery</c> ticks; optionally a trade signal every
/// <c>signalEvery</c> ticks from each of <c>signalSources</c> in turn (interned source ids).
/// Drives the handler chain on the test thread.
/// </summary>
internal sealed class ChainDriver(TradingEngine engine, int checkpointEvery = 0, int signalEvery = 0, int[]? signalSources = null)
{
    private long _sequence;
    private long _outboundRead = -1;
    private long _step;
    private ulong _noise = 0x9E3779B97F4A7C15;

    public TradingEngine Engine { get; } = engine;

    public void Run(long events)
    {
        for (long i = 0; i < events; i++)
        {
            if (_outboundRead < Engine.Outbound.Cursor)
            {
                _outboundRead++;
                ref OrderCommand order = ref Engine.Outbound[_outboundRead];
                var report = new EngineEvent
                {
                    Kind = EventKind.ExecutionReport,
                    ReportOrderId = order.ClientOrderId,
                    ExecType = order.Kind == OrderCommandKind.SubmitOrder ? ExecutionType.Fill : ExecutionType.Canceled,
                    FillQuantity = order.Kind == OrderCommandKind.SubmitOrder ? order.Quantity : 0,
                    FillPriceRaw = Engine.Market.LastRaw(order.SymbolId),
                    TsEventNs = EngineHarness.T0 + _step,
                };
                Process(ref report);
                continue;
            }

            _step++;
            if (checkpointEvery > 0 && _step % checkpointEvery == 0)
            {
                // The writer thread syncs each file to disk (ms on this VM): let it finish the previous
                // one, so the run captures every checkpoint instead of skipping those it cannot take yet
                // (a wait on this thread that allocates nothing).
                while (Engine.Checkpoints is { } c && c.Written + c.Failed < c.Requested)
                {
                    Thread.Yield();
                }

                var checkpoint = new EngineEvent { Kind = EventKind.Command, SymbolId = -1, Command = CommandKind.Checkpoint, TsEventNs = EngineHarness.T0 + (_step * 1_000_000) };
                Process(ref checkpoint);
                continue;
            }

            if (signalEvery > 0 && signalSources is { Length: > 0 } sources && _step % signalEvery == 0)
            {
                long turn = _step / signalEvery;
                var signal = new EngineEvent
                {
                    Kind = EventKind.TradeSignal,
                    SymbolId = (int)(turn & 1),
                    SignalSide = (turn / 2 % 2) == 0 ? Side.Buy : Side.Sell,
                    ConfidencePpm = 900_000,
                    SignalId = turn,
                    SourceId = sources[turn % sources.Length],
                    TsEventNs = EngineHarness.T0 + (_step * 1_000_000),
                };
                Process(ref signal);
                continue;
            }

            _noise ^= _noise << 13;
            _noise ^= _noise >> 7;
            _noise ^= _noise << 17;
            int symbol = (int)(_step & 1);
            long wave = (long)(Math.Sin(_step / 40.0) * 2_000_000); // ±2.00
            long jitter = (long)(_noise % 200_000) - 100_000;      // ±0.10
            var tick = new EngineEvent
            {
                Kind = EventKind.TradeTick,
                SymbolId = symbol,
                PriceRaw = 100_000_000 + wave + jitter,
                Size = 100,
                TsEventNs = EngineHarness.T0 + (_step * 1_000_000),
            };
            Process(ref tick);
        }
    }

    private void Process(ref EngineEvent e) => Engine.ProcessInline(ref e, _sequence++);
}
