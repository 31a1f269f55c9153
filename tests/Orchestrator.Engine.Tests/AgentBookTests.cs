using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>The per-agent book: counters per source, own positions and P&amp;L, the bound, the slow-path copy.</summary>
public sealed class AgentBookTests
{
    [Fact]
    public void Signals_FromTwoSources_AreCountedWithTheirOrdersAndRejectsEach()
    {
        var h = new EngineHarness();
        h.Trade(0, 100m);
        int alpha = h.Engine.Sources.Intern("alpha");
        int beta = h.Engine.Sources.Intern("beta");

        Assert.NotEqual(0, Signal(h, alpha, 0, Side.Buy).ClientOrderId);
        Assert.NotEqual(0, Signal(h, alpha, 0, Side.Buy, signalId: 2).ClientOrderId);
        Assert.Equal(RejectReason.LowConfidence, Signal(h, beta, 0, Side.Buy, confidence: 0.1m).Reject);
        Assert.Equal(RejectReason.NoMarketData, Signal(h, beta, 1, Side.Buy).Reject);

        AgentBookCopy copy = Read(h.Engine);
        int a = copy.IndexOf("alpha"), b = copy.IndexOf("beta");
        Assert.Equal((2, 2), (copy.Signals[a], copy.Orders[a]));
        Assert.Equal((2, 0), (copy.Signals[b], copy.Orders[b]));
        Assert.Equal(1, copy.Rejects[(b * AgentBook.ReasonCount) + (int)RejectReason.LowConfidence]);
        Assert.Equal(1, copy.Rejects[(b * AgentBook.ReasonCount) + (int)RejectReason.NoMarketData]);
        AgentFigures beta1 = copy.FiguresOf(b, h.Engine.Symbols);
        Assert.Equal(new Dictionary<string, long> { ["LowConfidence"] = 1, ["NoMarketData"] = 1 }, beta1.Rejects);
    }

    [Fact]
    public void OwnFills_RealizedAndUnrealized_AreWhatTheFillsAddUpTo()
    {
        var market = new MarketState(1);
        var sources = new TextInterner();
        var book = new AgentBook(sources, market);
        int alpha = sources.Intern("alpha");
        int beta = sources.Intern("beta");

        // alpha: buy 10 @ 100, buy 10 @ 110, sell 15 @ 120 (realizes 15 × (120 − 105) = 225), holds 5 at cost 105.
        book.OnFill(alpha, 0, Side.Buy, 10, EngineHarness.Raw(100m), EngineHarness.Raw(1m));
        book.OnFill(alpha, 0, Side.Buy, 10, EngineHarness.Raw(110m), EngineHarness.Raw(1m));
        book.OnFill(alpha, 0, Side.Sell, 15, EngineHarness.Raw(120m), EngineHarness.Raw(1m));
        // beta, the other way: short 20 @ 120, cover 20 @ 100.5 (realizes 20 × 19.5 = 390), then short 4 @ 101 (reversal-free).
        book.OnFill(beta, 0, Side.Sell, 20, EngineHarness.Raw(120m), 0);
        book.OnFill(beta, 0, Side.Buy, 20, EngineHarness.Raw(100.5m), 0);
        book.OnFill(beta, 0, Side.Sell, 4, EngineHarness.Raw(101m), 0);
        market.OnTrade(0, EngineHarness.Raw(103m), 1, 1);

        var copy = new AgentBookCopy();
        Assert.Equal(2, book.Read(copy));
        var symbols = new SymbolTable(["AAPL"]);
        AgentFigures a = copy.FiguresOf(copy.IndexOf("alpha"), symbols);
        AgentFigures b = copy.FiguresOf(copy.IndexOf("beta"), symbols);
        Assert.Equal((3L, 225m, 5 * (103m - 105m), 3m), (a.Fills, a.RealizedPnl, a.UnrealizedPnl, a.Commission));
        Assert.Equal(new AgentPosition("AAPL", 5, 105m, 103m, 225m, -10m), Assert.Single(a.Positions));
        Assert.Equal((3L, 390m, 4 * (101m - 103m)), (b.Fills, b.RealizedPnl, b.UnrealizedPnl));
        Assert.Equal(-4, book.Position(beta, 0));
    }

    [Fact]
    public void SourcesPastTheCapacity_AreCountedInTheOtherSlot()
    {
        var sources = new TextInterner();
        var book = new AgentBook(sources, new MarketState(1), capacity: 3);
        foreach (string name in new[] { "a", "b", "c", "d", "c" })
        {
            book.OnDecided(sources.Intern(name), RejectReason.None, ordered: true);
        }

        var copy = new AgentBookCopy();
        Assert.Equal(3, book.Read(copy));
        Assert.Equal(["a", "b", AgentBook.OtherName], copy.Names.Take(3));
        Assert.Equal([1L, 1L, 3L], copy.Orders.Take(3));
    }

    [Fact]
    public void TheRunReportReadingTheBook_WhileTheTradingThreadWrites_AlwaysSeesWholeUpdates()
    {
        var sources = new TextInterner();
        var book = new AgentBook(sources, new MarketState(1));
        int alpha = sources.Intern("alpha");
        const int Updates = 200_000;
        var writer = new Thread(() =>
        {
            for (int i = 0; i < Updates; i++)
            {
                book.OnFill(alpha, 0, Side.Buy, 1, 1_000_000, 0); // each fill moves fills and quantity together
            }
        });
        writer.Start();
        var copy = new AgentBookCopy();
        long reads = 0;
        while (writer.IsAlive || reads == 0)
        {
            if (book.Read(copy) == 1)
            {
                Assert.Equal(copy.Fills[0], copy.Quantity[0]);
            }

            reads++;
        }

        writer.Join();
        book.Read(copy);
        Assert.Equal((Updates, Updates), (copy.Fills[0], copy.Quantity[0]));
    }

    [Fact]
    public void AgentSymbols_RefuseASymbolTheAgentMayNotTrade_AndLeaveOthersAlone()
    {
        var h = new EngineHarness(Limited(new AgentLimit { Name = "alpha", Symbols = ["MSFT"] }));
        h.Trade(0, 100m);
        h.Trade(1, 50m);
        int alpha = h.Engine.Sources.Intern("alpha");
        int beta = h.Engine.Sources.Intern("beta");

        EngineEvent refused = Signal(h, alpha, 0, Side.Buy);
        Assert.Equal(RejectReason.AgentSymbolNotAllowed, refused.Reject);
        Assert.Equal(0, refused.ClientOrderId);
        Assert.Equal(RejectReason.None, Signal(h, alpha, 1, Side.Buy).Reject);
        Assert.Equal(RejectReason.None, Signal(h, beta, 0, Side.Buy).Reject);
        Assert.Equal(1, h.Engine.Counters.Rejects(RejectReason.AgentSymbolNotAllowed));
    }

    [Fact]
    public void AgentRateLimit_RefusesPastItsOrdersPerMinute_OnEventTime_AndRefillsAMinuteLater()
    {
        var h = new EngineHarness(Limited(new AgentLimit { Name = "alpha", MaxOrdersPerMinute = 2 }));
        h.Trade(0, 100m);
        int alpha = h.Engine.Sources.Intern("alpha");
        int beta = h.Engine.Sources.Intern("beta");
        long t = EngineHarness.T0;

        Assert.Equal(RejectReason.None, Signal(h, alpha, 0, Side.Buy, tsNs: t).Reject);
        Assert.Equal(RejectReason.None, Signal(h, alpha, 0, Side.Buy, tsNs: t + EngineHarness.Second).Reject);
        Assert.Equal(RejectReason.AgentRateLimit, Signal(h, alpha, 0, Side.Buy, tsNs: t + (2 * EngineHarness.Second)).Reject);
        Assert.Equal(RejectReason.None, Signal(h, beta, 0, Side.Buy, tsNs: t + (3 * EngineHarness.Second)).Reject); // another agent is not limited
        Assert.Equal(RejectReason.None, Signal(h, alpha, 0, Side.Buy, tsNs: t + (61 * EngineHarness.Second)).Reject);
    }

    [Fact]
    public void AgentMaxPosition_CapsTheOrderAtTheRoomLeft_AndRefusesAtTheLimit()
    {
        var h = new EngineHarness(Limited(new AgentLimit { Name = "alpha", MaxPosition = 15 }) with { Risk = EngineHarness.DefaultOptions().Risk with { AllowShortSelling = true } });
        h.Trade(0, 100m);
        int alpha = h.Engine.Sources.Intern("alpha");

        EngineEvent first = Signal(h, alpha, 0, Side.Buy); // sizing wants 10: room 15
        Assert.Equal(10, first.Quantity);
        h.Engine.Agents.OnFill(alpha, 0, Side.Buy, 10, EngineHarness.Raw(100m), 0);
        EngineEvent second = Signal(h, alpha, 0, Side.Buy, signalId: 2); // room 5
        Assert.Equal(5, second.Quantity);
        h.Engine.Agents.OnFill(alpha, 0, Side.Buy, 5, EngineHarness.Raw(100m), 0);

        Assert.Equal(RejectReason.AgentMaxPosition, Signal(h, alpha, 0, Side.Buy, signalId: 3).Reject);
        Assert.Equal(RejectReason.None, Signal(h, alpha, 0, Side.Sell, signalId: 4).Reject); // reducing is always allowed
    }

    internal static EngineOptions Limited(params AgentLimit[] limits) => EngineHarness.DefaultOptions() with { AgentLimits = limits };

    internal static EngineEvent Signal(EngineHarness h, int sourceId, int symbolId, Side side, decimal confidence = 0.9m, long tsNs = EngineHarness.T0, long signalId = 1) =>
        h.Process(new EngineEvent
        {
            Kind = EventKind.TradeSignal,
            SymbolId = symbolId,
            SignalSide = side,
            ConfidencePpm = (int)(confidence * 1_000_000),
            SignalId = signalId,
            SourceId = sourceId,
            TsEventNs = tsNs,
        });

    internal static AgentBookCopy Read(TradingEngine engine)
    {
        var copy = new AgentBookCopy();
        engine.Agents.Read(copy);
        return copy;
    }
}
