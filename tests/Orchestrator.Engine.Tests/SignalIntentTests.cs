using Orchestrator.Core;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>
/// A signal carries the order it asks for (issue 17, C2): order type, limit and stop prices, time in
/// force and a quantity cap reach the order; sizing and risk still cap and judge it.
/// </summary>
public sealed class SignalIntentTests
{
    private const int Aapl = 0;
    private const long T0 = EngineHarness.T0;

    private static EngineEvent Signal(OrderType type, decimal limit, decimal stop, TimeInForce tif, long quantity, Side side = Side.Buy) => new()
    {
        Kind = EventKind.TradeSignal,
        SymbolId = Aapl,
        SignalSide = side,
        ConfidencePpm = 900_000,
        SignalPriceRaw = FixedPoint.FromDecimal(limit),
        SignalOrderType = type,
        SignalStopRaw = FixedPoint.FromDecimal(stop),
        SignalTif = tif,
        SignalQuantity = quantity,
        SignalId = 9,
        TsEventNs = T0,
    };

    private static EngineHarness Priced()
    {
        var h = new EngineHarness(); // fixed quantity 10
        h.Trade(Aapl, 100m);
        return h;
    }

    [Fact]
    public void StopSignal_BecomesAStopOrder_WithItsTimeInForce_AndAtMostItsQuantity()
    {
        EngineHarness h = Priced();
        EngineEvent e = h.Process(Signal(OrderType.Stop, 0m, 105m, TimeInForce.Gtc, 4));

        Assert.Equal(RejectReason.None, e.Reject);
        OrderCommand order = Assert.Single(h.TakeOrders());
        Assert.Equal(OrderType.Stop, order.OrderType);
        Assert.Equal(FixedPoint.FromDecimal(105m), order.StopPriceRaw);
        Assert.Equal(0, order.LimitPriceRaw);
        Assert.Equal(TimeInForce.Gtc, order.TimeInForce);
        Assert.Equal(4, order.Quantity); // sizing would give 10: the signal asked for at most 4
        Assert.True(h.Engine.Orders.TryFind(order.ClientOrderId, out int slot));
        Assert.Equal(OrderType.Stop, h.Engine.Orders[slot].OrderType);
        Assert.Equal(TimeInForce.Gtc, h.Engine.Orders[slot].TimeInForce);
    }

    [Fact]
    public void QuantityAboveSizing_IsCappedBySizing()
    {
        EngineHarness h = Priced();
        h.Process(Signal(OrderType.StopLimit, 106m, 105m, TimeInForce.Ioc, 50));

        OrderCommand order = Assert.Single(h.TakeOrders());
        Assert.Equal(OrderType.StopLimit, order.OrderType);
        Assert.Equal(FixedPoint.FromDecimal(106m), order.LimitPriceRaw);
        Assert.Equal(TimeInForce.Ioc, order.TimeInForce);
        Assert.Equal(10, order.Quantity);
    }

    [Theory]
    [InlineData(0, 0, OrderType.Market)]
    [InlineData(99.5, 0, OrderType.Limit)]
    [InlineData(0, 101, OrderType.Stop)]
    [InlineData(101.5, 101, OrderType.StopLimit)]
    public void NoOrderType_ThePricesDecide_AsBefore(decimal limit, decimal stop, OrderType expected)
    {
        EngineHarness h = Priced();
        h.Process(Signal(OrderType.Market, limit, stop, TimeInForce.Day, 0));

        OrderCommand order = Assert.Single(h.TakeOrders());
        Assert.Equal(expected, order.OrderType);
        Assert.Equal(TimeInForce.Day, order.TimeInForce);
        Assert.Equal(10, order.Quantity);
    }

    [Theory]
    [InlineData(OrderType.Limit, 0, 0)]
    [InlineData(OrderType.Stop, 0, 0)]
    [InlineData(OrderType.StopLimit, 101, 0)]
    [InlineData(OrderType.Limit, 101, 99)]
    public void InconsistentIntent_IsRefusedAsInvalid_NoOrder(OrderType type, decimal limit, decimal stop)
    {
        EngineHarness h = Priced();
        EngineEvent e = h.Process(Signal(type, limit, stop, TimeInForce.Day, 0));

        Assert.Equal(RejectReason.InvalidSignal, e.Reject);
        Assert.Empty(h.TakeOrders());
    }

    [Fact]
    public void ReducingSell_IsAtMostTheSignalsQuantity()
    {
        EngineHarness h = Priced();
        h.Open(Aapl, Side.Buy, 100m); // long 10
        h.TakeOrders();
        h.Process(Signal(OrderType.Market, 0m, 0m, TimeInForce.Day, 3, Side.Sell));

        Assert.Equal(3, Assert.Single(h.TakeOrders()).Quantity);
    }

    [Fact]
    public void PublishSignal_WithAnIntent_WritesItIntoTheSlot()
    {
        var h = new EngineHarness(); // not started: the published slot can be read back
        var intent = new SignalIntent { OrderType = OrderType.Stop, StopRaw = 105_000_000, Tif = TimeInForce.Fok, Quantity = 7 };
        long sequence = h.Engine.PublishSignal(Aapl, Side.Sell, 500_000, intent, 11, "sma_agent", null, T0);
        long trySequence = h.Engine.TryPublishSignal(Aapl, Side.Buy, 500_000, new SignalIntent { OrderType = OrderType.Limit, LimitRaw = 99_000_000, Tif = TimeInForce.Ioc }, 12, 4, 0, T0);

        EngineEvent e = h.Engine.Inbound[sequence];
        Assert.Equal(OrderType.Stop, e.SignalOrderType);
        Assert.Equal(105_000_000, e.SignalStopRaw);
        Assert.Equal(0, e.SignalPriceRaw);
        Assert.Equal(TimeInForce.Fok, e.SignalTif);
        Assert.Equal(7, e.SignalQuantity);
        EngineEvent t = h.Engine.Inbound[trySequence];
        Assert.Equal(OrderType.Limit, t.SignalOrderType);
        Assert.Equal(99_000_000, t.SignalPriceRaw);
        Assert.Equal(TimeInForce.Ioc, t.SignalTif);
        Assert.Equal(0, t.SignalQuantity);
    }

    [Fact]
    public void Journal_ASignalRecordWrittenBeforeTheIntent_ReadsWithDefaults()
    {
        // The 29-byte signal block journals held before issue 17 (same leading fields; the intent follows them now).
        var signal = new EngineEvent
        {
            Kind = EventKind.TradeSignal, SymbolId = 1, TsEventNs = 5, TsInitNs = 6, SignalSide = Side.Buy, ConfidencePpm = 700_000,
            SignalPriceRaw = 101_000_000, SignalId = 33, SourceId = 4, ReasonId = 2,
        };
        byte[] record = new byte[JournalCodec.MaxRecordBytes];
        JournalCodec.WriteEvent(record, signal, 17);
        const int LegacyPayload = JournalCodec.PayloadPrefixBytes + 21 + 29;
        byte[] legacy = record.AsSpan(JournalCodec.RecordHeaderBytes, LegacyPayload).ToArray();

        var read = default(EngineEvent);
        Assert.True(JournalCodec.TryReadEvent(legacy, ref read));
        Assert.Equal(signal, read);
        Assert.Equal(OrderType.Market, read.SignalOrderType);
        Assert.Equal(TimeInForce.Day, read.SignalTif);
        Assert.Equal(0, read.SignalQuantity);
        Assert.Equal(0, read.SignalStopRaw);

        // Replayed, it is today's limit order of sizing's quantity.
        EngineHarness h = Priced();
        read.SymbolId = Aapl;
        read.TsEventNs = T0;
        h.Process(read);
        OrderCommand order = Assert.Single(h.TakeOrders());
        Assert.Equal(OrderType.Limit, order.OrderType);
        Assert.Equal(TimeInForce.Day, order.TimeInForce);
        Assert.Equal(10, order.Quantity);
    }

    [Fact]
    public void Journal_ActionExitsAndAReplace_RoundTrip_AndIntentOnlyRecordsReadAsNewWithoutExits()
    {
        // Issue 19's fields: a signal's action, target order and exits; a replace's quantity and prices.
        var amend = new EngineEvent
        {
            Kind = EventKind.TradeSignal, SymbolId = 1, TsEventNs = 5, TsInitNs = 6, SignalSide = Side.Buy, SignalPriceRaw = 101_000_000,
            SignalOrderType = OrderType.Limit, SignalTif = TimeInForce.Gtc, SignalQuantity = 7, Action = SignalAction.Amend, TargetOrderId = 4_242,
            Exits = new ProtectiveExits { TakeProfitRaw = 110_000_000, StopLossRaw = 95_000_000, TrailRaw = 1_500_000, TakeProfitPpm = 30_000, StopLossPpm = 20_000, TrailPpm = 10_000 },
        };
        var replaced = new EngineEvent
        {
            Kind = EventKind.ExecutionReport, SymbolId = 1, TsEventNs = 7, ExecType = ExecutionType.Replaced, ReportOrderId = 4_242, LeavesQuantity = 5,
            ReportQuantity = 7, ReportLimitRaw = 101_000_000, ReportStopRaw = 99_000_000,
        };
        byte[] record = new byte[JournalCodec.MaxRecordBytes];
        foreach (EngineEvent e in new[] { amend, replaced })
        {
            int length = JournalCodec.WriteEvent(record, e, 3);
            var read = default(EngineEvent);
            Assert.True(JournalCodec.TryReadEvent(record.AsSpan(JournalCodec.RecordHeaderBytes, length - JournalCodec.RecordHeaderBytes), ref read));
            Assert.Equal(e, read);
        }

        // Written before issue 19: a signal block that ends after the quantity (47 bytes), a report block after the reject (43).
        JournalCodec.WriteEvent(record, amend, 3);
        var old = default(EngineEvent);
        Assert.True(JournalCodec.TryReadEvent(record.AsSpan(JournalCodec.RecordHeaderBytes, JournalCodec.PayloadPrefixBytes + 21 + 47), ref old));
        Assert.Equal(SignalAction.New, old.Action);
        Assert.Equal(0, old.TargetOrderId);
        Assert.False(old.Exits.Any);
        Assert.Equal(7, old.SignalQuantity);
        Assert.Equal(TimeInForce.Gtc, old.SignalTif);
        JournalCodec.WriteEvent(record, replaced, 3);
        Assert.True(JournalCodec.TryReadEvent(record.AsSpan(JournalCodec.RecordHeaderBytes, JournalCodec.PayloadPrefixBytes + 21 + 43), ref old));
        Assert.Equal(ExecutionType.Replaced, old.ExecType);
        Assert.Equal(0, old.ReportQuantity);
        Assert.Equal(5, old.LeavesQuantity);
    }
}
