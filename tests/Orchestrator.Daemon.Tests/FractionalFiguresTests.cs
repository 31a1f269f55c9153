using Orchestrator.Core;
using Orchestrator.Daemon.Display;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Metrics;
using Orchestrator.Engine.Options;
using Spectre.Console.Testing;

namespace Orchestrator.Daemon.Tests;

/// <summary>Issue 19: the run report's positions and the dashboard show a fractional symbol's quantity in shares.</summary>
public sealed class FractionalFiguresTests
{
    [Fact]
    public void RunReport_PositionOfAFractionalSymbol_IsInShares()
    {
        var engine = new TradingEngine(new EngineOptions
        {
            Symbols = ["AAPL"],
            StartingCash = 100_000m,
            Instruments = new Dictionary<string, InstrumentInfo> { ["AAPL"] = InstrumentInfo.Default("AAPL") with { QuantityDecimals = 2 } },
            Rules = new RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false },
            Risk = new RiskOptions { DuplicateWindow = TimeSpan.Zero, MaxOrdersPerSecond = 0, MaxOrdersPerMinute = 0, MaxOrdersPerDay = 0 },
            Exits = new ExitOptions { StopLossFraction = 0m, TakeProfitFraction = 0m, TrailingStopFraction = 0m },
        }, NullAuditWriter.Instance);
        long seq = 0;
        var tick = new EngineEvent { Kind = EventKind.TradeTick, SymbolId = 0, PriceRaw = FixedPoint.FromDecimal(150m), Size = 100, TsEventNs = 1 };
        engine.ProcessInline(ref tick, seq++);
        var signal = new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = 0, SignalSide = Side.Buy, ConfidencePpm = 900_000, SignalQuantity = 50, SignalId = 1, TsEventNs = 2 };
        engine.ProcessInline(ref signal, seq++);
        Assert.Equal(50, signal.Quantity); // 0.5 shares in AAPL's units
        var fill = new EngineEvent { Kind = EventKind.ExecutionReport, ReportOrderId = signal.ClientOrderId, ExecType = ExecutionType.Fill, FillQuantity = 50, FillPriceRaw = FixedPoint.FromDecimal(150m), TsEventNs = 3 };
        engine.ProcessInline(ref fill, seq++);

        PositionReport position = Assert.Single(RunReport.From(engine, new LatencyRecorder(), TimeSpan.FromSeconds(1), null).Positions);
        Assert.Equal(0.5m, position.Quantity);
    }

    [Fact]
    public void Dashboard_ShowsAFractionalPositionAndOrderInShares()
    {
        DashboardView view = Display.DashboardRendererTests.KnownView("full") with
        {
            Positions = [new PositionView("AAPL", 0.5m, 150m, 151m, 0.5m), new PositionView("NVDA", 1_200m, 121.36m, 122m, 768m)],
            OpenOrders = [new OrderView(1000000000034, "AAPL", "BUY", 0.75m, 0.25m, 150m, "PartiallyFilled")],
        };
        var console = new TestConsole().Width(200);
        console.Write(DashboardRenderer.Render(view, 200, int.MaxValue));

        Assert.Matches(@"│ AAPL\s+│ 0\.5\s+│", console.Output);
        Assert.Matches(@"│ NVDA\s+│ 1,200\s+│", console.Output);
        Assert.Matches(@"│ 0\.75\s+│ 0\.25\s+│", console.Output);
    }
}
