using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>The whole handler chain allocates nothing in steady state.</summary>
public sealed class EngineAllocationTests
{
    [Fact]
    public void OneMillionEvents_ThroughTheHandlerChain_AllocateZeroBytes()
    {
        EngineOptions options = EngineHarness.DefaultOptions() with
        {
            Rules = new RuleOptions { MomentumEnabled = true, RsiReversionEnabled = true, MomentumFastPeriod = 5, MomentumSlowPeriod = 12, RsiPeriod = 6 },
            Exits = new ExitOptions { StopLossFraction = 0.01m, TakeProfitFraction = 0.01m, TrailingStopFraction = 0.005m },
            Risk = EngineHarness.DefaultOptions().Risk with { MaxOrdersPerDay = 0, MaxOpenOrders = 100_000 },
            Sizing = new SizingOptions { Method = SizingMethod.FixedFraction, FractionOfEquity = 0.01m, MaxPositionFraction = 0.5m, MaxConcentrationFraction = 0.5m },
        };
        var driver = new ChainDriver(new EngineHarness(options).Engine);

        driver.Run(100_000); // warm-up: JIT, first-use statics
        long before = GC.GetAllocatedBytesForCurrentThread();
        driver.Run(1_000_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(driver.Engine.Counters.OrdersSubmitted > 1_000, "the run must trade, not only tick");
        Assert.True(driver.Engine.Counters.Fills > 1_000);
        Assert.True(driver.Engine.Counters.ProtectiveExits > 0);
    }

    /// <summary>Ticks on a deterministic wavy price path; every order is filled by the next event.</summary>
    private sealed class ChainDriver(TradingEngine engine)
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
}
