using System.Collections.Concurrent;
using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;

namespace Orchestrator.Engine.Tests.Support;

/// <summary>Collects rendered audit lines (audit thread) for assertions.</summary>
public sealed class ListAuditWriter : IAuditWriter
{
    public ConcurrentQueue<(AuditLevel Level, string Message, AuditRecord Record)> Lines { get; } = new();

    public void Write(AuditLevel level, ReadOnlySpan<byte> message, in AuditRecord record) => Lines.Enqueue((level, System.Text.Encoding.UTF8.GetString(message), record));
}

/// <summary>
/// Drives the real handlers on the test thread, one event at a time, in pipeline order — no
/// threads, no waiting. Orders handed to the gateway are read back from the outbound ring.
/// </summary>
public sealed class EngineHarness
{
    public const long T0 = 1_736_000_000_000_000_000; // 2025-01-04T14:13:20Z, ns
    public const long Second = 1_000_000_000;

    private long _sequence;
    private long _outboundRead = -1;

    public EngineHarness(EngineOptions? options = null, bool startAudit = false)
    {
        Engine = new TradingEngine(options ?? DefaultOptions(), Audit);
        if (startAudit)
        {
            Engine.Audit.Start();
        }
    }

    public TradingEngine Engine { get; }

    public ListAuditWriter Audit { get; } = new();

    /// <summary>Options that let a plain test order through: rules off, wide limits.</summary>
    public static EngineOptions DefaultOptions() => new()
    {
        Symbols = ["AAPL", "MSFT"],
        StartingCash = 100_000m,
        Rules = new RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false },
        Risk = new RiskOptions { DuplicateWindow = TimeSpan.Zero, MaxOrdersPerSecond = 0, MaxOrdersPerMinute = 0, MaxOrdersPerDay = 0, MaxOpenOrders = 1000 },
        Sizing = new SizingOptions { Method = SizingMethod.FixedQuantity, FixedQuantity = 10, ScaleByConfidence = false, MaxPositionFraction = 1m, MaxConcentrationFraction = 1m, MaxOrderNotional = 0m },
        Exits = new ExitOptions { StopLossFraction = 0m, TakeProfitFraction = 0m, TrailingStopFraction = 0m },
    };

    public EngineEvent Process(EngineEvent e)
    {
        Engine.ProcessInline(ref e, _sequence++);
        return e;
    }

    public EngineEvent Trade(int symbolId, decimal price, long tsNs = T0, long size = 100) =>
        Process(new EngineEvent { Kind = EventKind.TradeTick, SymbolId = symbolId, PriceRaw = FixedPoint.FromDecimal(price), Size = size, TsEventNs = tsNs });

    public EngineEvent Signal(int symbolId, Side side, decimal confidence = 0.9m, long tsNs = T0, decimal limit = 0m, long signalId = 1) =>
        Process(new EngineEvent
        {
            Kind = EventKind.TradeSignal,
            SymbolId = symbolId,
            SignalSide = side,
            ConfidencePpm = (int)(confidence * 1_000_000),
            SignalPriceRaw = FixedPoint.FromDecimal(limit),
            SignalId = signalId,
            TsEventNs = tsNs,
        });

    public EngineEvent Report(long clientOrderId, ExecutionType type, long fillQty = 0, decimal fillPrice = 0m, decimal commission = 0m, long tsNs = T0) =>
        Process(new EngineEvent
        {
            Kind = EventKind.ExecutionReport,
            ReportOrderId = clientOrderId,
            ExecType = type,
            FillQuantity = fillQty,
            FillPriceRaw = FixedPoint.FromDecimal(fillPrice),
            CommissionRaw = FixedPoint.FromDecimal(commission),
            TsEventNs = tsNs,
        });

    public EngineEvent Command(CommandKind command, long tsNs = T0, long arg = 0) =>
        Process(new EngineEvent { Kind = EventKind.Command, SymbolId = -1, Command = command, CommandArg = arg, TsEventNs = tsNs });

    /// <summary>Sends a signal and fills the whole resulting order at <paramref name="price"/>; returns the order id.</summary>
    public long Open(int symbolId, Side side, decimal price, long tsNs = T0)
    {
        EngineEvent e = Signal(symbolId, side, tsNs: tsNs);
        Assert.Equal(RejectReason.None, e.Reject);
        Assert.NotEqual(0, e.ClientOrderId);
        Report(e.ClientOrderId, ExecutionType.Accepted, tsNs: tsNs);
        Report(e.ClientOrderId, ExecutionType.Fill, e.Quantity, price, tsNs: tsNs);
        return e.ClientOrderId;
    }

    /// <summary>Orders handed to the gateway since the last call.</summary>
    public List<OrderCommand> TakeOrders()
    {
        var orders = new List<OrderCommand>();
        while (_outboundRead < Engine.Outbound.Cursor)
        {
            _outboundRead++;
            orders.Add(Engine.Outbound[_outboundRead]);
        }

        return orders;
    }

    public static long Raw(decimal value) => FixedPoint.FromDecimal(value);
}
