using System.Buffers.Binary;
using System.Text.Unicode;
using Orchestrator.Core;

namespace Orchestrator.Engine.Journal;

/// <summary>
/// The journal's byte layout (little-endian, fixed per record type; README.md in this folder has the tables).
/// <code>
/// segment = header symbols record*
/// header  = "ORCJ" u8 version(=2) u8[3] reserved(=0) u64 firstSequence            (16 bytes)
/// symbols = u32 tableLength  u32 crc32c(table)  table: u32 count, count × (u16 byteLength, UTF-8 name)
/// record  = u32 payloadLength  u32 crc32c(payload)  payload
/// payload = u8 recordType  u64 sequence  body
/// EngineEvent body  = u8 kind  i32 symbolId  i64 tsEventNs  i64 tsInitNs  kind-block
///   TradeTick | QuoteTick | Bar: i64 price size bid ask bidSize askSize open high low   (72)
///   TradeSignal:     u8 side  i32 confidencePpm  i64 signalPrice  i64 signalId  i32 sourceId  i32 reasonId
///                    u8 orderType  i64 stopPrice  u8 tif  i64 quantity
///                    u8 action  i64 targetOrderId  i64 takeProfit stopLoss trail  i32 takeProfitPpm stopLossPpm trailPpm
///                    (92; 47 = without action and exits, 29 = without the order intent either, as written before them: read with defaults)
///   ExecutionReport: u8 execType  i64 orderId  u8 side  i64 fillQty fillPrice commission leaves  u8 reject
///                    i64 quantity limitPrice stopPrice                                     (67; 43 = without the amend's figures: read as 0)
///   Command:         u8 command  i64 argument                                             (9)
///   Timer | None:    nothing
/// TextInterned body = u8 table  i32 id  u16 byteLength  UTF-8 bytes (at most MaxTextBytes)
/// RiskParameters body = i64 version  then every field of RiskParameters (JournalRiskCodec)
/// </code>
/// Only the input section of an <see cref="EngineEvent"/> is written: the fields the handlers fill
/// in (intent, verdict, quantity, client order id) are derived and recomputed by replay, and
/// <see cref="EngineEvent.PublishTimestamp"/> is a process-local Stopwatch value for latency only.
/// </summary>
public static class JournalCodec
{
    /// <summary>Bytes of the segment header's fixed part (the symbol table follows it).</summary>
    public const int SegmentHeaderBytes = 16;

    /// <summary>Bytes before the symbol table's names: table length and its checksum.</summary>
    public const int SymbolTablePrefixBytes = 8;

    /// <summary>Largest symbol table a segment header may carry.</summary>
    public const int MaxSymbolTableBytes = 16 * 1024 * 1024;

    /// <summary>
    /// The format version in the segment header. 2: segments carry the symbol table, and a live
    /// risk change is journaled with its contents (RiskParameters records). Version 1 journals are
    /// refused with a clear error (they cannot be replayed faithfully).
    /// </summary>
    public const byte Version = 2;

    /// <summary>Bytes before the payload: length and checksum.</summary>
    public const int RecordHeaderBytes = 8;

    /// <summary>Bytes of the payload's common prefix: record type and sequence.</summary>
    public const int PayloadPrefixBytes = 9;

    /// <summary>Longest UTF-8 text of an interned-text record; longer texts are cut at a character boundary.</summary>
    public const int MaxTextBytes = 4096;

    /// <summary>Largest EngineEvent record.</summary>
    public const int MaxEventRecordBytes = RecordHeaderBytes + PayloadPrefixBytes + EventHeaderBytes + (SignalBlockBytes > MarketBlockBytes ? SignalBlockBytes : MarketBlockBytes);

    /// <summary>Largest record of any type.</summary>
    public const int MaxRecordBytes = RecordHeaderBytes + PayloadPrefixBytes + TextPrefixBytes + MaxTextBytes;

    /// <summary>Smallest valid payload (an empty interned text; a Timer event is larger).</summary>
    public const int MinPayloadBytes = PayloadPrefixBytes + TextPrefixBytes;

    /// <summary>Largest valid payload.</summary>
    public const int MaxPayloadBytes = MaxRecordBytes - RecordHeaderBytes;

    internal const int EventHeaderBytes = 1 + 4 + 8 + 8;
    internal const int MarketBlockBytes = 9 * 8;
    internal const int SignalBlockBytes = IntentSignalBlockBytes + 1 + 8 + (3 * 8) + (3 * 4);

    /// <summary>A TradeSignal block written before signals carried an action and exits (issue 19): a new order without exits.</summary>
    internal const int IntentSignalBlockBytes = LegacySignalBlockBytes + 1 + 8 + 1 + 8;

    /// <summary>A TradeSignal block written before signals carried an order intent (market or limit by price, Day, sizing's quantity).</summary>
    internal const int LegacySignalBlockBytes = 1 + 4 + 8 + 8 + 4 + 4;
    internal const int ReportBlockBytes = LegacyReportBlockBytes + (3 * 8);

    /// <summary>An ExecutionReport block written before amends (issue 19): no quantity and prices of a replace.</summary>
    internal const int LegacyReportBlockBytes = 1 + 8 + 1 + (4 * 8) + 1;
    internal const int CommandBlockBytes = 1 + 8;
    internal const int TextPrefixBytes = 1 + 4 + 2;

    /// <summary>"ORCJ" as a little-endian u32.</summary>
    internal const uint Magic = 'O' | ('R' << 8) | ('C' << 16) | ((uint)'J' << 24);

    /// <summary>Writes a segment header.</summary>
    public static void WriteSegmentHeader(Span<byte> destination, long firstSequence)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        destination[4] = Version;
        destination[5] = 0;
        destination[6] = 0;
        destination[7] = 0;
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], firstSequence);
    }

    /// <summary>Reads a segment header; false when the magic or version is not ours.</summary>
    public static bool TryReadSegmentHeader(ReadOnlySpan<byte> source, out long firstSequence)
    {
        firstSequence = 0;
        if (source.Length < SegmentHeaderBytes || BinaryPrimitives.ReadUInt32LittleEndian(source) != Magic || source[4] != Version)
        {
            return false;
        }

        firstSequence = BinaryPrimitives.ReadInt64LittleEndian(source[8..]);
        return true;
    }

    /// <summary>
    /// Whether <paramref name="source"/>, shorter than a fixed header, is the start of one this build
    /// writes (magic, version, zero reserved bytes; any first-sequence bytes): a header cut short by a
    /// crash, not a zeroed or foreign file.
    /// </summary>
    public static bool IsSegmentHeaderStart(ReadOnlySpan<byte> source)
    {
        Span<byte> expected = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(expected, Magic);
        expected[4] = Version;
        expected[5] = expected[6] = expected[7] = 0;
        int compared = Math.Min(source.Length, expected.Length);
        return source[..compared].SequenceEqual(expected[..compared]);
    }

    /// <summary>The version byte of a header whose magic is ours; −1 when the magic is not.</summary>
    public static int ReadSegmentVersion(ReadOnlySpan<byte> source) =>
        source.Length >= SegmentHeaderBytes && BinaryPrimitives.ReadUInt32LittleEndian(source) == Magic ? source[4] : -1;

    /// <summary>
    /// The symbol table as it follows the fixed header: u32 table length, u32 CRC-32C of the table,
    /// then the table (u32 count, then each name as u16 byte length and UTF-8). Built once per writer.
    /// </summary>
    public static byte[] EncodeSymbolTable(IReadOnlyList<string> symbols)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        int tableLength = 4;
        for (int i = 0; i < symbols.Count; i++)
        {
            tableLength += 2 + System.Text.Encoding.UTF8.GetByteCount(symbols[i]);
        }

        byte[] bytes = new byte[SymbolTablePrefixBytes + tableLength];
        Span<byte> table = bytes.AsSpan(SymbolTablePrefixBytes);
        BinaryPrimitives.WriteInt32LittleEndian(table, symbols.Count);
        int at = 4;
        for (int i = 0; i < symbols.Count; i++)
        {
            int written = System.Text.Encoding.UTF8.GetBytes(symbols[i], table[(at + 2)..]);
            BinaryPrimitives.WriteUInt16LittleEndian(table[at..], checked((ushort)written));
            at += 2 + written;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)tableLength);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), Crc32C.Compute(table));
        return bytes;
    }

    /// <summary>Decodes a symbol table (without its 8-byte prefix); null when it is inconsistent.</summary>
    public static string[]? TryDecodeSymbolTable(ReadOnlySpan<byte> table)
    {
        if (table.Length < 4)
        {
            return null;
        }

        int count = BinaryPrimitives.ReadInt32LittleEndian(table);
        if (count < 0 || count > (table.Length - 4) / 2)
        {
            return null;
        }

        string[] names = new string[count];
        int at = 4;
        for (int i = 0; i < count; i++)
        {
            if (at + 2 > table.Length)
            {
                return null;
            }

            int length = BinaryPrimitives.ReadUInt16LittleEndian(table[at..]);
            if (at + 2 + length > table.Length)
            {
                return null;
            }

            names[i] = System.Text.Encoding.UTF8.GetString(table.Slice(at + 2, length));
            at += 2 + length;
        }

        return at == table.Length ? names : null;
    }

    /// <summary>Whether events of <paramref name="kind"/> are market data (ticks and bars).</summary>
    public static bool IsMarketData(EventKind kind) => kind is EventKind.TradeTick or EventKind.QuoteTick or EventKind.Bar;

    /// <summary>
    /// Encodes the input fields of <paramref name="e"/> as one record into <paramref name="destination"/>
    /// (at least <see cref="MaxEventRecordBytes"/> long); returns the record's length.
    /// </summary>
    public static int WriteEvent(Span<byte> destination, in EngineEvent e, long sequence)
    {
        Span<byte> p = destination[RecordHeaderBytes..];
        p[0] = (byte)JournalRecordType.EngineEvent;
        BinaryPrimitives.WriteInt64LittleEndian(p[1..], sequence);
        p[9] = (byte)e.Kind;
        BinaryPrimitives.WriteInt32LittleEndian(p[10..], e.SymbolId);
        BinaryPrimitives.WriteInt64LittleEndian(p[14..], e.TsEventNs);
        BinaryPrimitives.WriteInt64LittleEndian(p[22..], e.TsInitNs);
        Span<byte> b = p[(PayloadPrefixBytes + EventHeaderBytes)..];
        int body;
        switch (e.Kind)
        {
            case EventKind.TradeTick:
            case EventKind.QuoteTick:
            case EventKind.Bar:
                BinaryPrimitives.WriteInt64LittleEndian(b, e.PriceRaw);
                BinaryPrimitives.WriteInt64LittleEndian(b[8..], e.Size);
                BinaryPrimitives.WriteInt64LittleEndian(b[16..], e.BidRaw);
                BinaryPrimitives.WriteInt64LittleEndian(b[24..], e.AskRaw);
                BinaryPrimitives.WriteInt64LittleEndian(b[32..], e.BidSize);
                BinaryPrimitives.WriteInt64LittleEndian(b[40..], e.AskSize);
                BinaryPrimitives.WriteInt64LittleEndian(b[48..], e.OpenRaw);
                BinaryPrimitives.WriteInt64LittleEndian(b[56..], e.HighRaw);
                BinaryPrimitives.WriteInt64LittleEndian(b[64..], e.LowRaw);
                body = MarketBlockBytes;
                break;
            case EventKind.TradeSignal:
                b[0] = (byte)e.SignalSide;
                BinaryPrimitives.WriteInt32LittleEndian(b[1..], e.ConfidencePpm);
                BinaryPrimitives.WriteInt64LittleEndian(b[5..], e.SignalPriceRaw);
                BinaryPrimitives.WriteInt64LittleEndian(b[13..], e.SignalId);
                BinaryPrimitives.WriteInt32LittleEndian(b[21..], e.SourceId);
                BinaryPrimitives.WriteInt32LittleEndian(b[25..], e.ReasonId);
                b[29] = (byte)e.SignalOrderType;
                BinaryPrimitives.WriteInt64LittleEndian(b[30..], e.SignalStopRaw);
                b[38] = (byte)e.SignalTif;
                BinaryPrimitives.WriteInt64LittleEndian(b[39..], e.SignalQuantity);
                b[47] = (byte)e.Action;
                BinaryPrimitives.WriteInt64LittleEndian(b[48..], e.TargetOrderId);
                BinaryPrimitives.WriteInt64LittleEndian(b[56..], e.Exits.TakeProfitRaw);
                BinaryPrimitives.WriteInt64LittleEndian(b[64..], e.Exits.StopLossRaw);
                BinaryPrimitives.WriteInt64LittleEndian(b[72..], e.Exits.TrailRaw);
                BinaryPrimitives.WriteInt32LittleEndian(b[80..], e.Exits.TakeProfitPpm);
                BinaryPrimitives.WriteInt32LittleEndian(b[84..], e.Exits.StopLossPpm);
                BinaryPrimitives.WriteInt32LittleEndian(b[88..], e.Exits.TrailPpm);
                body = SignalBlockBytes;
                break;
            case EventKind.ExecutionReport:
                b[0] = (byte)e.ExecType;
                BinaryPrimitives.WriteInt64LittleEndian(b[1..], e.ReportOrderId);
                b[9] = (byte)e.ReportSide;
                BinaryPrimitives.WriteInt64LittleEndian(b[10..], e.FillQuantity);
                BinaryPrimitives.WriteInt64LittleEndian(b[18..], e.FillPriceRaw);
                BinaryPrimitives.WriteInt64LittleEndian(b[26..], e.CommissionRaw);
                BinaryPrimitives.WriteInt64LittleEndian(b[34..], e.LeavesQuantity);
                b[42] = (byte)e.ReportReject;
                BinaryPrimitives.WriteInt64LittleEndian(b[43..], e.ReportQuantity);
                BinaryPrimitives.WriteInt64LittleEndian(b[51..], e.ReportLimitRaw);
                BinaryPrimitives.WriteInt64LittleEndian(b[59..], e.ReportStopRaw);
                body = ReportBlockBytes;
                break;
            case EventKind.Command:
                b[0] = (byte)e.Command;
                BinaryPrimitives.WriteInt64LittleEndian(b[1..], e.CommandArg);
                body = CommandBlockBytes;
                break;
            default:
                body = 0;
                break;
        }

        return Seal(destination, PayloadPrefixBytes + EventHeaderBytes + body);
    }

    /// <summary>Encodes an interned text as one record (the text cut to <see cref="MaxTextBytes"/>); returns the record's length.</summary>
    public static int WriteText(Span<byte> destination, JournalTextTable table, int id, ReadOnlySpan<char> text, long sequence)
    {
        Span<byte> p = destination[RecordHeaderBytes..];
        p[0] = (byte)JournalRecordType.TextInterned;
        BinaryPrimitives.WriteInt64LittleEndian(p[1..], sequence);
        p[9] = (byte)table;
        BinaryPrimitives.WriteInt32LittleEndian(p[10..], id);
        Span<byte> utf8 = p.Slice(PayloadPrefixBytes + TextPrefixBytes, MaxTextBytes);

        // Stops at a whole character when the destination is full instead of throwing.
        Utf8.FromUtf16(text, utf8, out _, out int written, replaceInvalidSequences: true, isFinalBlock: true);
        BinaryPrimitives.WriteUInt16LittleEndian(p[14..], (ushort)written);
        return Seal(destination, PayloadPrefixBytes + TextPrefixBytes + written);
    }

    /// <summary>The record type and sequence of a payload that passed its checksum.</summary>
    public static JournalRecordType ReadPrefix(ReadOnlySpan<byte> payload, out long sequence)
    {
        sequence = BinaryPrimitives.ReadInt64LittleEndian(payload[1..]);
        return (JournalRecordType)payload[0];
    }

    /// <summary>
    /// Decodes an EngineEvent payload into <paramref name="e"/> (every other field reset); false when
    /// the kind is unknown or the length does not match the kind.
    /// </summary>
    public static bool TryReadEvent(ReadOnlySpan<byte> payload, ref EngineEvent e)
    {
        e = default;
        if (payload.Length < PayloadPrefixBytes + EventHeaderBytes)
        {
            return false;
        }

        var kind = (EventKind)payload[9];
        e.Kind = kind;
        e.SymbolId = BinaryPrimitives.ReadInt32LittleEndian(payload[10..]);
        e.TsEventNs = BinaryPrimitives.ReadInt64LittleEndian(payload[14..]);
        e.TsInitNs = BinaryPrimitives.ReadInt64LittleEndian(payload[22..]);
        ReadOnlySpan<byte> b = payload[(PayloadPrefixBytes + EventHeaderBytes)..];
        switch (kind)
        {
            case EventKind.TradeTick:
            case EventKind.QuoteTick:
            case EventKind.Bar:
                if (b.Length != MarketBlockBytes)
                {
                    return false;
                }

                e.PriceRaw = BinaryPrimitives.ReadInt64LittleEndian(b);
                e.Size = BinaryPrimitives.ReadInt64LittleEndian(b[8..]);
                e.BidRaw = BinaryPrimitives.ReadInt64LittleEndian(b[16..]);
                e.AskRaw = BinaryPrimitives.ReadInt64LittleEndian(b[24..]);
                e.BidSize = BinaryPrimitives.ReadInt64LittleEndian(b[32..]);
                e.AskSize = BinaryPrimitives.ReadInt64LittleEndian(b[40..]);
                e.OpenRaw = BinaryPrimitives.ReadInt64LittleEndian(b[48..]);
                e.HighRaw = BinaryPrimitives.ReadInt64LittleEndian(b[56..]);
                e.LowRaw = BinaryPrimitives.ReadInt64LittleEndian(b[64..]);
                return true;
            case EventKind.TradeSignal:
                if (b.Length != SignalBlockBytes && b.Length != IntentSignalBlockBytes && b.Length != LegacySignalBlockBytes)
                {
                    return false;
                }

                e.SignalSide = (Side)b[0];
                e.ConfidencePpm = BinaryPrimitives.ReadInt32LittleEndian(b[1..]);
                e.SignalPriceRaw = BinaryPrimitives.ReadInt64LittleEndian(b[5..]);
                e.SignalId = BinaryPrimitives.ReadInt64LittleEndian(b[13..]);
                e.SourceId = BinaryPrimitives.ReadInt32LittleEndian(b[21..]);
                e.ReasonId = BinaryPrimitives.ReadInt32LittleEndian(b[25..]);
                if (b.Length >= IntentSignalBlockBytes)
                {
                    e.SignalOrderType = (OrderType)b[29];
                    e.SignalStopRaw = BinaryPrimitives.ReadInt64LittleEndian(b[30..]);
                    e.SignalTif = (TimeInForce)b[38];
                    e.SignalQuantity = BinaryPrimitives.ReadInt64LittleEndian(b[39..]);
                }

                if (b.Length == SignalBlockBytes)
                {
                    e.Action = (SignalAction)b[47];
                    e.TargetOrderId = BinaryPrimitives.ReadInt64LittleEndian(b[48..]);
                    e.Exits.TakeProfitRaw = BinaryPrimitives.ReadInt64LittleEndian(b[56..]);
                    e.Exits.StopLossRaw = BinaryPrimitives.ReadInt64LittleEndian(b[64..]);
                    e.Exits.TrailRaw = BinaryPrimitives.ReadInt64LittleEndian(b[72..]);
                    e.Exits.TakeProfitPpm = BinaryPrimitives.ReadInt32LittleEndian(b[80..]);
                    e.Exits.StopLossPpm = BinaryPrimitives.ReadInt32LittleEndian(b[84..]);
                    e.Exits.TrailPpm = BinaryPrimitives.ReadInt32LittleEndian(b[88..]);
                }

                return true;
            case EventKind.ExecutionReport:
                if (b.Length != ReportBlockBytes && b.Length != LegacyReportBlockBytes)
                {
                    return false;
                }

                e.ExecType = (ExecutionType)b[0];
                e.ReportOrderId = BinaryPrimitives.ReadInt64LittleEndian(b[1..]);
                e.ReportSide = (Side)b[9];
                e.FillQuantity = BinaryPrimitives.ReadInt64LittleEndian(b[10..]);
                e.FillPriceRaw = BinaryPrimitives.ReadInt64LittleEndian(b[18..]);
                e.CommissionRaw = BinaryPrimitives.ReadInt64LittleEndian(b[26..]);
                e.LeavesQuantity = BinaryPrimitives.ReadInt64LittleEndian(b[34..]);
                e.ReportReject = (RejectReason)b[42];
                if (b.Length == ReportBlockBytes)
                {
                    e.ReportQuantity = BinaryPrimitives.ReadInt64LittleEndian(b[43..]);
                    e.ReportLimitRaw = BinaryPrimitives.ReadInt64LittleEndian(b[51..]);
                    e.ReportStopRaw = BinaryPrimitives.ReadInt64LittleEndian(b[59..]);
                }

                return true;
            case EventKind.Command:
                if (b.Length != CommandBlockBytes)
                {
                    return false;
                }

                e.Command = (CommandKind)b[0];
                e.CommandArg = BinaryPrimitives.ReadInt64LittleEndian(b[1..]);
                return true;
            case EventKind.Timer:
            case EventKind.None:
                return b.Length == 0;
            default:
                return false;
        }
    }

    /// <summary>Decodes a TextInterned payload; false when its length is inconsistent.</summary>
    public static bool TryReadText(ReadOnlySpan<byte> payload, out JournalTextTable table, out int id, out ReadOnlySpan<byte> utf8)
    {
        table = default;
        id = 0;
        utf8 = default;
        if (payload.Length < PayloadPrefixBytes + TextPrefixBytes)
        {
            return false;
        }

        table = (JournalTextTable)payload[9];
        id = BinaryPrimitives.ReadInt32LittleEndian(payload[10..]);
        int length = BinaryPrimitives.ReadUInt16LittleEndian(payload[14..]);
        utf8 = payload[(PayloadPrefixBytes + TextPrefixBytes)..];
        return utf8.Length == length && table is JournalTextTable.Sources or JournalTextTable.Reasons;
    }

    /// <summary>Fills in length and checksum of a record whose payload is written; returns the record's length.</summary>
    internal static int Seal(Span<byte> record, int payloadLength)
    {
        uint crc = Crc32C.Compute(record.Slice(RecordHeaderBytes, payloadLength));
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], crc);
        return RecordHeaderBytes + payloadLength;
    }
}
