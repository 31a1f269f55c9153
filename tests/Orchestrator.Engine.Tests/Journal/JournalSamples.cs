using Orchestrator.Core;
using Orchestrator.Engine.Journal;

namespace Orchestrator.Engine.Tests.Journal;

/// <summary>Events of every kind with every input field set, and helpers to write and read them back.</summary>
internal static class JournalSamples
{
    /// <summary>One event of each kind, input fields only (what the journal must give back).</summary>
    public static EngineEvent[] EveryKind(int sourceId = 1, int reasonId = 1) =>
    [
        Market(EventKind.TradeTick, 1),
        Market(EventKind.QuoteTick, 2),
        Market(EventKind.Bar, 3),
        new EngineEvent
        {
            Kind = EventKind.TradeSignal, SymbolId = 1, TsEventNs = 1_700_000_000_000_000_004, TsInitNs = 1_700_000_000_000_000_104,
            SignalSide = Side.Sell, ConfidencePpm = 875_000, SignalPriceRaw = 123_456_789, SignalId = 987_654_321_012, SourceId = sourceId, ReasonId = reasonId,
            SignalOrderType = OrderType.StopLimit, SignalStopRaw = 120_000_001, SignalTif = TimeInForce.Ioc, SignalQuantity = 42,
        },
        new EngineEvent
        {
            Kind = EventKind.ExecutionReport, SymbolId = 2, TsEventNs = 1_700_000_000_000_000_005, TsInitNs = 1_700_000_000_000_000_105,
            ExecType = ExecutionType.PartialFill, ReportOrderId = 4_200_000_017, ReportSide = Side.Buy, FillQuantity = 300, FillPriceRaw = 99_990_000,
            CommissionRaw = 12_345, LeavesQuantity = 700, ReportReject = RejectReason.BrokerRejected,
        },
        new EngineEvent
        {
            Kind = EventKind.Command, SymbolId = -1, TsEventNs = 1_700_000_000_000_000_006, TsInitNs = 1_700_000_000_000_000_106,
            Command = CommandKind.StartOfDay, CommandArg = -5_000_000_000,
        },
        new EngineEvent { Kind = EventKind.Timer, SymbolId = -1, TsEventNs = 1_700_000_000_000_000_007, TsInitNs = 1_700_000_000_000_000_107 },
    ];

    public static EngineEvent Market(EventKind kind, long i) => new()
    {
        Kind = kind,
        SymbolId = (int)(i % 3),
        TsEventNs = 1_700_000_000_000_000_000 + i,
        TsInitNs = 1_700_000_000_000_000_100 + i,
        PriceRaw = 100_000_000 + i,
        Size = 100 + i,
        BidRaw = 99_990_000 + i,
        AskRaw = 100_010_000 + i,
        BidSize = 200 + i,
        AskSize = 300 + i,
        OpenRaw = 99_000_000 + i,
        HighRaw = 101_000_000 + i,
        LowRaw = 98_000_000 + i,
    };

    /// <summary>The event as the later stages leave it: derived fields and the latency stamp filled in.</summary>
    public static EngineEvent WithDerivedFields(EngineEvent e)
    {
        e.PublishTimestamp = 77;
        e.Origin = IntentOrigin.External;
        e.IntentSide = Side.Buy;
        e.IntentOrderType = OrderType.Limit;
        e.IntentLimitRaw = 1;
        e.IntentStopRaw = 2;
        e.ReferencePriceRaw = 3;
        e.AtrRaw = 4;
        e.ReduceOnly = true;
        e.Reject = RejectReason.MaxNotional;
        e.Quantity = 5;
        e.ClientOrderId = 6;
        return e;
    }

    /// <summary>Writes <paramref name="count"/> trade ticks, flushing every <paramref name="batch"/>; returns the writer's options.</summary>
    public static void WriteTicks(string directory, int count, int batch = 1, JournalOptions? options = null, long firstSequence = 0)
    {
        using var writer = new JournalWriter(directory, options ?? new JournalOptions { Fsync = JournalFsync.None });
        for (int i = 0; i < count; i++)
        {
            EngineEvent e = Market(EventKind.TradeTick, firstSequence + i);
            writer.AppendEvent(in e, firstSequence + i);
            if ((i + 1) % batch == 0)
            {
                writer.Flush();
            }
        }
    }

    /// <summary>Reads every EngineEvent record (stopping at a torn tail); returns events with their sequences.</summary>
    public static List<(long Sequence, EngineEvent Event)> ReadEvents(string directory, out JournalTornTail? torn)
    {
        var events = new List<(long, EngineEvent)>();
        using var reader = new JournalReader(directory);
        while (reader.ReadNext())
        {
            if (reader.RecordType == JournalRecordType.EngineEvent)
            {
                EngineEvent e = default;
                reader.ReadEvent(ref e);
                events.Add((reader.Sequence, e));
            }
        }

        torn = reader.TornTail;
        return events;
    }

    /// <summary>Offsets of every record of one segment, in order.</summary>
    public static List<long> RecordOffsets(string directory, string segmentPath)
    {
        var offsets = new List<long>();
        using var reader = new JournalReader(directory);
        while (reader.ReadNext())
        {
            if (reader.SegmentPath == segmentPath)
            {
                offsets.Add(reader.RecordOffset);
            }
        }

        return offsets;
    }
}
