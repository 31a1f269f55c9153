using Orchestrator.Core;
using Orchestrator.Daemon.Display;
using Orchestrator.Engine.Audit;

namespace Orchestrator.Daemon.Tests.Display;

/// <summary>The latest signals and their fate, followed through the audit stream.</summary>
public sealed class RecentSignalsTests
{
    private static readonly SymbolTable s_symbols = new(["AAPL", "AMZN", "NVDA"]);

    private static AuditRecord Record(AuditKind kind, string symbol, Side side, long orderId = 0, RejectReason reason = RejectReason.None, long value = 0, int sourceId = 0) => new()
    {
        Kind = kind,
        SymbolId = s_symbols.GetId(symbol),
        Side = side,
        ClientOrderId = orderId,
        Reason = reason,
        Value = value,
        SourceId = sourceId,
        ConfidencePpm = 750_000,
        TsEventNs = 1_735_828_291_000_000_000,
    };

    [Fact]
    public void Observe_SignalsFollowedByVerdictsAndOrders_GiveEachItsFate_NewestFirst()
    {
        var sources = new TextInterner();
        int agent = sources.Intern("llm-agent");
        var recent = new RecentSignals();

        recent.Observe(Record(AuditKind.RuleSignal, "AAPL", Side.Buy, value: Engine.Handlers.SignalEngineHandler.RuleMomentum));
        recent.Observe(Record(AuditKind.RiskPassed, "AAPL", Side.Buy));
        recent.Observe(Record(AuditKind.OrderSubmitted, "AAPL", Side.Buy, orderId: 7));
        recent.Observe(Record(AuditKind.RuleSignal, "AMZN", Side.Sell, value: Engine.Handlers.SignalEngineHandler.RuleRsiReversion));
        recent.Observe(Record(AuditKind.RiskRejected, "AMZN", Side.Sell, reason: RejectReason.NoPosition));
        recent.Observe(Record(AuditKind.SignalReceived, "NVDA", Side.Buy, sourceId: agent));
        recent.Observe(Record(AuditKind.OrderFilled, "AAPL", Side.Buy, orderId: 7));

        IReadOnlyList<SignalView> signals = recent.Copy(s_symbols, sources);

        Assert.Equal(["NVDA", "AMZN", "AAPL"], signals.Select(s => s.Symbol));
        Assert.Equal((SignalFate.Pending, "llm-agent"), (signals[0].Fate, signals[0].Source));
        Assert.Equal((SignalFate.Rejected, "NoPosition", "rsi_reversion"), (signals[1].Fate, signals[1].Detail, signals[1].Source));
        Assert.Equal((SignalFate.Filled, "#7", "momentum"), (signals[2].Fate, signals[2].Detail, signals[2].Source));
        Assert.Equal(0.75m, signals[2].Confidence);
    }

    [Fact]
    public void Observe_TwoSignalsOfOneSymbolAndSide_VerdictsGoToTheOldestWaiting()
    {
        var recent = new RecentSignals();
        recent.Observe(Record(AuditKind.RuleSignal, "AAPL", Side.Buy));
        recent.Observe(Record(AuditKind.RuleSignal, "AAPL", Side.Buy));
        recent.Observe(Record(AuditKind.RiskRejected, "AAPL", Side.Buy, reason: RejectReason.MaxOpenOrders));

        IReadOnlyList<SignalView> signals = recent.Copy(s_symbols, new TextInterner());

        Assert.Equal([SignalFate.Pending, SignalFate.Rejected], signals.Select(s => s.Fate));
    }

    [Fact]
    public void Observe_MoreSignalsThanItsCapacity_KeepsTheNewest()
    {
        var recent = new RecentSignals(capacity: 3);
        foreach (string symbol in new[] { "AAPL", "AMZN", "NVDA", "AAPL" })
        {
            recent.Observe(Record(AuditKind.RuleSignal, symbol, Side.Buy));
        }

        Assert.Equal(["AAPL", "NVDA", "AMZN"], recent.Copy(s_symbols, new TextInterner()).Select(s => s.Symbol));
    }

    [Fact]
    public void Observe_AllocatesNothing_WhenTheRingIsFullAndSignalsKeepComing()
    {
        var recent = new RecentSignals(capacity: 8);
        AuditRecord[] stream =
        [
            Record(AuditKind.RuleSignal, "AAPL", Side.Buy), Record(AuditKind.RiskPassed, "AAPL", Side.Buy), Record(AuditKind.OrderSubmitted, "AAPL", Side.Buy, orderId: 7),
            Record(AuditKind.OrderFilled, "AAPL", Side.Buy, orderId: 7), Record(AuditKind.SignalReceived, "NVDA", Side.Sell), Record(AuditKind.RiskRejected, "NVDA", Side.Sell, reason: RejectReason.MaxPosition),
            Record(AuditKind.ProtectiveExit, "AMZN", Side.Sell), Record(AuditKind.OrderSubmitted, "AMZN", Side.Sell, orderId: 8), Record(AuditKind.OrderRejected, "AMZN", Side.Sell, orderId: 8),
        ];
        for (int i = 0; i < 100; i++)
        {
            foreach (AuditRecord record in stream)
            {
                recent.Observe(record); // warm-up: the ring wraps many times
            }
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            for (int r = 0; r < stream.Length; r++)
            {
                recent.Observe(stream[r]);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(8, recent.Copy(s_symbols, new TextInterner()).Count);
    }

    [Fact]
    public void Observe_ASignalConsolidationHeld_TakesItsFateFromConsolidation_AndNotTheNextSignalsVerdict()
    {
        var sources = new TextInterner();
        int alpha = sources.Intern("alpha");
        int beta = sources.Intern("beta");
        var recent = new RecentSignals();
        AuditRecord Signal(AuditKind kind, int source, long signalId, long value = 0) => Record(kind, "AAPL", Side.Buy, value: value, sourceId: source) with { SignalId = signalId };

        recent.Observe(Signal(AuditKind.SignalReceived, alpha, 1));
        recent.Observe(Signal(AuditKind.ConsolidationHeld, alpha, 1));
        recent.Observe(Signal(AuditKind.SignalReceived, beta, 2));
        recent.Observe(Signal(AuditKind.ConsolidationContributed, alpha, 1, value: 2));
        recent.Observe(Signal(AuditKind.ConsolidationDecided, beta, 2));
        recent.Observe(Record(AuditKind.RiskPassed, "AAPL", Side.Buy));
        recent.Observe(Record(AuditKind.OrderSubmitted, "AAPL", Side.Buy, orderId: 9));

        IReadOnlyList<SignalView> signals = recent.Copy(s_symbols, sources);

        Assert.Equal((SignalFate.Executed, "#9"), (signals[0].Fate, signals[0].Detail)); // beta's signal traded
        Assert.Equal((SignalFate.Contributed, "signal 2"), (signals[1].Fate, signals[1].Detail)); // alpha's counted in it
    }
}
