using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>
/// Issue 19, fractional quantities: AAPL trades in 10^−4 shares (quantity_decimals 4), MSFT in whole shares.
/// Quantities are counted in each symbol's unit; cash, cost, P&amp;L and sizing go through <see cref="Quantities"/>.
/// </summary>
public sealed class FractionalQuantityTests
{
    private const int Aapl = 0; // 4 quantity decimals: 10,000 units a share
    private const int Msft = 1; // whole shares

    private static long Raw(decimal value) => EngineHarness.Raw(value);

    private static EngineOptions Options(SizingOptions? sizing = null) => EngineHarness.DefaultOptions() with
    {
        Instruments = new Dictionary<string, InstrumentInfo> { ["AAPL"] = InstrumentInfo.Default("AAPL") with { QuantityDecimals = 4 } },
        Sizing = sizing ?? EngineHarness.DefaultOptions().Sizing,
    };

    private static EngineEvent Signal(EngineHarness h, int symbolId, Side side, long quantity, long signalId) =>
        h.Process(new EngineEvent
        {
            Kind = EventKind.TradeSignal,
            SymbolId = symbolId,
            SignalSide = side,
            ConfidencePpm = 900_000,
            SignalQuantity = quantity,
            SignalId = signalId,
            TsEventNs = EngineHarness.T0,
        });

    [Fact]
    public void FixedFractionSizing_GivesFractions_OnlyForTheFractionalSymbol()
    {
        // 0.1% of 100,000 = 100 USD an order: 0.6666 AAPL at 150 (rounded down to its unit); MSFT's whole shares: none.
        var h = new EngineHarness(Options(EngineHarness.DefaultOptions().Sizing with { Method = SizingMethod.FixedFraction, FractionOfEquity = 0.001m }));
        h.Trade(Aapl, 150m);
        h.Trade(Msft, 150m);

        EngineEvent aapl = h.Signal(Aapl, Side.Buy, signalId: 1);
        Assert.Equal(RejectReason.None, aapl.Reject);
        Assert.Equal(6_666, aapl.Quantity);

        EngineEvent msft = h.Signal(Msft, Side.Buy, signalId: 2);
        Assert.Equal(RejectReason.ZeroQuantity, msft.Reject);
        Assert.Equal(0, msft.Quantity);
    }

    [Fact]
    public void FixedQuantity_IsInShares_AndTheLotSizeBindsWholeShareSymbolsOnly()
    {
        // 3 shares fixed, lot 2: AAPL gets 3 shares in its units (its lot is one unit); MSFT 3 rounded to the lot, 2.
        var h = new EngineHarness(Options(EngineHarness.DefaultOptions().Sizing with { FixedQuantity = 3, LotSize = 2 }));
        h.Trade(Aapl, 100m);
        h.Trade(Msft, 100m);

        Assert.Equal(30_000, h.Signal(Aapl, Side.Buy, signalId: 1).Quantity);
        Assert.Equal(2, h.Signal(Msft, Side.Buy, signalId: 2).Quantity);
    }

    [Fact]
    public void FractionalBuyAndSell_MoveCashPositionAndPnlExactly()
    {
        var h = new EngineHarness(Options());
        Portfolio p = h.Engine.Portfolio;
        h.Trade(Aapl, 150m);

        EngineEvent buy = Signal(h, Aapl, Side.Buy, quantity: 5_000, signalId: 1); // at most 0.5 shares (sizing's 10 shares cap nothing)
        Assert.Equal(RejectReason.None, buy.Reject);
        Assert.Equal(5_000, buy.Quantity);
        h.Report(buy.ClientOrderId, ExecutionType.Accepted);
        h.Report(buy.ClientOrderId, ExecutionType.Fill, 5_000, 150.25m);

        Assert.Equal(5_000, p.Quantity(Aapl));
        Assert.Equal(Raw(150.25m), p.AvgCostRaw(Aapl)); // per share, not per unit
        Assert.Equal(Raw(99_924.875m), p.CashRaw); // 100,000 − 0.5 × 150.25

        h.Trade(Aapl, 151m);
        Assert.Equal(Raw(0.375m), p.UnrealizedRaw(Aapl)); // 0.5 × 0.75
        Assert.Equal(Raw(75.5m), p.PositionValueRaw(Aapl));
        Assert.Equal(Raw(100_000.375m), p.EquityRaw);

        EngineEvent sell = Signal(h, Aapl, Side.Sell, quantity: 2_000, signalId: 2); // 0.2 shares of the long
        Assert.Equal(RejectReason.None, sell.Reject);
        Assert.Equal(2_000, sell.Quantity);
        h.Report(sell.ClientOrderId, ExecutionType.Accepted);
        h.Report(sell.ClientOrderId, ExecutionType.Fill, 2_000, 160m);

        Assert.Equal(3_000, p.Quantity(Aapl));
        Assert.Equal(Raw(1.95m), p.RealizedRaw(Aapl)); // 0.2 × (160 − 150.25)
        Assert.Equal(Raw(99_956.875m), p.CashRaw); // + 0.2 × 160
        Assert.Equal(Raw(150.25m), p.AvgCostRaw(Aapl));

        // The agent's own book counts the same way.
        AgentFigures agent = Assert.Single(h.Engine.Agents.Figures(h.Engine.Symbols), a => a.Positions.Count > 0);
        AgentPosition position = Assert.Single(agent.Positions);
        Assert.Equal(0.3m, position.Quantity);
        Assert.Equal(150.25m, position.AvgCost);
        Assert.Equal(1.95m, position.RealizedPnl);
    }

    [Fact]
    public void WholeShareSymbols_KeepWholeShareArithmetic()
    {
        var h = new EngineHarness(Options());
        Portfolio p = h.Engine.Portfolio;
        h.Trade(Msft, 150m);
        h.Open(Msft, Side.Buy, 150.25m); // 10 shares

        Assert.Equal(10, p.Quantity(Msft));
        Assert.Equal(Raw(150.25m), p.AvgCostRaw(Msft));
        Assert.Equal(Raw(100_000m - 1_502.5m), p.CashRaw);
        Assert.Equal(1, h.Engine.Instruments.Units.PerShare(Msft));
    }

    [Fact]
    public void AuditLines_ShowFractionsInShares()
    {
        var h = new EngineHarness(Options());
        var formatter = new AuditFormatter(h.Engine.Symbols, h.Engine.Sources, h.Engine.Reasons) { Units = h.Engine.Instruments.Units };

        string aapl = formatter.Format(new AuditRecord { Kind = AuditKind.OrderFilled, SymbolId = Aapl, Side = Side.Buy, Quantity = 5_000, PriceRaw = Raw(150.25m), ClientOrderId = 7 }).Message;
        string msft = formatter.Format(new AuditRecord { Kind = AuditKind.OrderFilled, SymbolId = Msft, Side = Side.Buy, Quantity = 12, PriceRaw = Raw(150.25m), ClientOrderId = 8 }).Message;

        Assert.StartsWith("Order filled: AAPL 0.5 shares BUY @ $150.25", aapl, StringComparison.Ordinal);
        Assert.StartsWith("Order filled: MSFT 12 shares BUY @ $150.25", msft, StringComparison.Ordinal);
    }
}
