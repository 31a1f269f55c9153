using System.Buffers.Binary;
using System.Text;
using Orchestrator.Engine.Options;

namespace Orchestrator.Engine.Journal;

/// <summary>
/// The RiskParameters record: the contents of a live risk change, so replay applies exactly what
/// the live engine applied (the ApplyRiskParameters command carries only a process-local version).
/// <code>
/// body = i64 version
///        Risk:   u8 killSwitch  dec maxDailyLoss  dec minConfidence  i64 sessionStartTicks  i64 sessionEndTicks
///                i32 perSecond  i32 perMinute  i32 perDay  i32 maxOpenOrders  dec collar  i64 duplicateWindowTicks
///                u8 allowShort  u16 allowedCount  allowedCount × (u16 byteLength, UTF-8 symbol)
///        Sizing: u8 method  dec fraction  dec riskPerTrade  dec atrMultiple  i64 fixedQuantity  u8 scaleByConfidence
///                dec maxPosition  dec maxOrderNotional  dec maxConcentration  i64 lotSize
///        Exits:  dec stopLoss  dec takeProfit  dec trailingStop
/// dec = the four 32-bit words of System.Decimal (exact)
/// </code>
/// The allowed-symbols list can be any length: the RiskParameters record holds as many names as fit
/// in one record (<see cref="JournalCodec.MaxRecordBytes"/>), and RiskAllowedSymbols records right
/// after it, same sequence, hold the rest:
/// <code>
/// body = i64 version  u16 count  count × (u16 byteLength, UTF-8 symbol)
/// </code>
/// A name is at most <see cref="MaxSymbolBytes"/> UTF-8 bytes (the configuration refuses longer ones).
/// Writing allocates nothing (the journal stage calls it); reading is the replay's slow path.
/// </summary>
public static class JournalRiskCodec
{
    private const int DecimalBytes = 16;
    private const int SizingBytes = 1 + (3 * DecimalBytes) + 8 + 1 + (3 * DecimalBytes) + 8;
    private const int FixedBodyBytes = 8
        + (1 + DecimalBytes + DecimalBytes + 8 + 8 + (4 * 4) + DecimalBytes + 8 + 1 + 2)
        + SizingBytes
        + (3 * DecimalBytes);

    /// <summary>Longest allowed symbol name, in UTF-8 bytes, that a journal record holds.</summary>
    public const int MaxSymbolBytes = 1024;

    private const int ContinuationPrefixBytes = 8 + 2;
    private const int MainNameBudget = JournalCodec.MaxPayloadBytes - JournalCodec.PayloadPrefixBytes - FixedBodyBytes;
    private const int ContinuationNameBudget = JournalCodec.MaxPayloadBytes - JournalCodec.PayloadPrefixBytes - ContinuationPrefixBytes;

    /// <summary>The length of all records <paramref name="parameters"/> take (the RiskParameters record and its RiskAllowedSymbols records).</summary>
    public static int RecordBytes(RiskParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        IReadOnlyList<string> allowed = parameters.Risk.AllowedSymbols;
        int next = NamesThatFit(allowed, 0, MainNameBudget, out int mainNameBytes);
        int bytes = JournalCodec.RecordHeaderBytes + JournalCodec.PayloadPrefixBytes + FixedBodyBytes + mainNameBytes;
        while (next < allowed.Count)
        {
            next = NamesThatFit(allowed, next, ContinuationNameBudget, out int nameBytes);
            bytes += JournalCodec.RecordHeaderBytes + JournalCodec.PayloadPrefixBytes + ContinuationPrefixBytes + nameBytes;
        }

        return bytes;
    }

    /// <summary>Whether the journal can hold <paramref name="parameters"/>: every allowed symbol at most <see cref="MaxSymbolBytes"/> UTF-8 bytes (the list's length does not matter).</summary>
    public static bool Fits(RiskParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        IReadOnlyList<string> allowed = parameters.Risk.AllowedSymbols;
        for (int i = 0; i < allowed.Count; i++)
        {
            if (Encoding.UTF8.GetByteCount(allowed[i]) > MaxSymbolBytes)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Encodes the next record of <paramref name="parameters"/> into <paramref name="destination"/> (at
    /// least <see cref="JournalCodec.MaxRecordBytes"/> long) and returns its length: the RiskParameters
    /// record when <paramref name="nextName"/> is 0, else a RiskAllowedSymbols record from that name
    /// on. <paramref name="nextName"/> moves past the names written; the parameters are written whole
    /// when it reaches the list's count.
    /// </summary>
    public static int Write(Span<byte> destination, RiskParameters parameters, long version, long sequence, ref int nextName)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (nextName > 0)
        {
            return WriteContinuation(destination, parameters.Risk.AllowedSymbols, version, sequence, ref nextName);
        }

        Span<byte> p = destination[JournalCodec.RecordHeaderBytes..];
        p[0] = (byte)JournalRecordType.RiskParameters;
        BinaryPrimitives.WriteInt64LittleEndian(p[1..], sequence);
        int at = JournalCodec.PayloadPrefixBytes;
        Int64(p, ref at, version);

        RiskOptions r = parameters.Risk;
        Bool(p, ref at, r.KillSwitchEngaged);
        Decimal(p, ref at, r.MaxDailyLossFraction);
        Decimal(p, ref at, r.MinConfidence);
        Int64(p, ref at, r.SessionStartUtc.Ticks);
        Int64(p, ref at, r.SessionEndUtc.Ticks);
        Int32(p, ref at, r.MaxOrdersPerSecond);
        Int32(p, ref at, r.MaxOrdersPerMinute);
        Int32(p, ref at, r.MaxOrdersPerDay);
        Int32(p, ref at, r.MaxOpenOrders);
        Decimal(p, ref at, r.PriceCollarFraction);
        Int64(p, ref at, r.DuplicateWindow.Ticks);
        Bool(p, ref at, r.AllowShortSelling);
        nextName = NamesThatFit(r.AllowedSymbols, 0, MainNameBudget, out _);
        WriteNames(p, ref at, r.AllowedSymbols, 0, nextName);

        SizingOptions s = parameters.Sizing;
        p[at++] = (byte)s.Method;
        Decimal(p, ref at, s.FractionOfEquity);
        Decimal(p, ref at, s.RiskPerTradeFraction);
        Decimal(p, ref at, s.AtrMultiple);
        Int64(p, ref at, s.FixedQuantity);
        Bool(p, ref at, s.ScaleByConfidence);
        Decimal(p, ref at, s.MaxPositionFraction);
        Decimal(p, ref at, s.MaxOrderNotional);
        Decimal(p, ref at, s.MaxConcentrationFraction);
        Int64(p, ref at, s.LotSize);

        ExitOptions x = parameters.Exits;
        Decimal(p, ref at, x.StopLossFraction);
        Decimal(p, ref at, x.TakeProfitFraction);
        Decimal(p, ref at, x.TrailingStopFraction);
        return JournalCodec.Seal(destination, at);
    }

    /// <summary>Decodes a RiskAllowedSymbols payload: the version of the change it continues and its names; false when malformed.</summary>
    public static bool TryReadContinuation(ReadOnlySpan<byte> payload, out long version, out string[] names)
    {
        version = 0;
        names = [];
        if (payload.Length < JournalCodec.PayloadPrefixBytes + ContinuationPrefixBytes)
        {
            return false;
        }

        int at = JournalCodec.PayloadPrefixBytes;
        version = ReadInt64(payload, ref at);
        string[]? read = ReadNames(payload, ref at);
        if (read is null || at != payload.Length || read.Length == 0)
        {
            return false;
        }

        names = read;
        return true;
    }

    /// <summary>Decodes a RiskParameters payload; false when its length does not match its contents.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out long version, out RiskParameters? parameters)
    {
        version = 0;
        parameters = null;
        if (payload.Length < JournalCodec.PayloadPrefixBytes + FixedBodyBytes)
        {
            return false;
        }

        int at = JournalCodec.PayloadPrefixBytes;
        version = ReadInt64(payload, ref at);
        bool killSwitch = payload[at++] != 0;
        decimal maxDailyLoss = ReadDecimal(payload, ref at);
        decimal minConfidence = ReadDecimal(payload, ref at);
        long sessionStart = ReadInt64(payload, ref at);
        long sessionEnd = ReadInt64(payload, ref at);
        int perSecond = ReadInt32(payload, ref at);
        int perMinute = ReadInt32(payload, ref at);
        int perDay = ReadInt32(payload, ref at);
        int maxOpen = ReadInt32(payload, ref at);
        decimal collar = ReadDecimal(payload, ref at);
        long duplicateWindow = ReadInt64(payload, ref at);
        bool allowShort = payload[at++] != 0;
        string[]? allowed = ReadNames(payload, ref at);
        if (allowed is null)
        {
            return false;
        }

        const int sizingAndExits = SizingBytes + (3 * DecimalBytes);
        if (payload.Length - at != sizingAndExits)
        {
            return false;
        }

        var risk = new RiskOptions
        {
            KillSwitchEngaged = killSwitch,
            MaxDailyLossFraction = maxDailyLoss,
            MinConfidence = minConfidence,
            SessionStartUtc = TimeSpan.FromTicks(sessionStart),
            SessionEndUtc = TimeSpan.FromTicks(sessionEnd),
            MaxOrdersPerSecond = perSecond,
            MaxOrdersPerMinute = perMinute,
            MaxOrdersPerDay = perDay,
            MaxOpenOrders = maxOpen,
            PriceCollarFraction = collar,
            DuplicateWindow = TimeSpan.FromTicks(duplicateWindow),
            AllowShortSelling = allowShort,
            AllowedSymbols = allowed,
        };
        var sizing = new SizingOptions
        {
            Method = (SizingMethod)payload[at++],
            FractionOfEquity = ReadDecimal(payload, ref at),
            RiskPerTradeFraction = ReadDecimal(payload, ref at),
            AtrMultiple = ReadDecimal(payload, ref at),
            FixedQuantity = ReadInt64(payload, ref at),
            ScaleByConfidence = payload[at++] != 0,
            MaxPositionFraction = ReadDecimal(payload, ref at),
            MaxOrderNotional = ReadDecimal(payload, ref at),
            MaxConcentrationFraction = ReadDecimal(payload, ref at),
            LotSize = ReadInt64(payload, ref at),
        };
        var exits = new ExitOptions
        {
            StopLossFraction = ReadDecimal(payload, ref at),
            TakeProfitFraction = ReadDecimal(payload, ref at),
            TrailingStopFraction = ReadDecimal(payload, ref at),
        };
        parameters = new RiskParameters(risk, sizing, exits);
        return at == payload.Length;
    }

    private static int WriteContinuation(Span<byte> destination, IReadOnlyList<string> allowed, long version, long sequence, ref int nextName)
    {
        Span<byte> p = destination[JournalCodec.RecordHeaderBytes..];
        p[0] = (byte)JournalRecordType.RiskAllowedSymbols;
        BinaryPrimitives.WriteInt64LittleEndian(p[1..], sequence);
        int at = JournalCodec.PayloadPrefixBytes;
        Int64(p, ref at, version);
        int first = nextName;
        nextName = NamesThatFit(allowed, first, ContinuationNameBudget, out _);
        WriteNames(p, ref at, allowed, first, nextName);
        return JournalCodec.Seal(destination, at);
    }

    /// <summary>The index past the names from <paramref name="first"/> on that fit in <paramref name="budget"/> bytes (at least one); <paramref name="bytes"/> = their encoded length with the u16 count.</summary>
    private static int NamesThatFit(IReadOnlyList<string> allowed, int first, int budget, out int bytes)
    {
        bytes = 2;
        int next = first;
        while (next < allowed.Count)
        {
            int name = 2 + Encoding.UTF8.GetByteCount(allowed[next]);
            if (bytes + name > budget && next > first)
            {
                break;
            }

            bytes += name;
            next++;
        }

        return next;
    }

    private static void WriteNames(Span<byte> p, ref int at, IReadOnlyList<string> allowed, int first, int end)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(p[at..], (ushort)(end - first));
        at += 2;
        for (int i = first; i < end; i++)
        {
            int written = Encoding.UTF8.GetBytes(allowed[i], p[(at + 2)..]); // at most MaxSymbolBytes: longer names are refused before they are staged (Fits)
            BinaryPrimitives.WriteUInt16LittleEndian(p[at..], (ushort)written);
            at += 2 + written;
        }
    }

    private static string[]? ReadNames(ReadOnlySpan<byte> payload, ref int at)
    {
        if (at + 2 > payload.Length)
        {
            return null;
        }

        int count = BinaryPrimitives.ReadUInt16LittleEndian(payload[at..]);
        at += 2;
        string[] names = new string[count];
        for (int i = 0; i < count; i++)
        {
            if (at + 2 > payload.Length)
            {
                return null;
            }

            int length = BinaryPrimitives.ReadUInt16LittleEndian(payload[at..]);
            if (at + 2 + length > payload.Length)
            {
                return null;
            }

            names[i] = Encoding.UTF8.GetString(payload.Slice(at + 2, length));
            at += 2 + length;
        }

        return names;
    }

    private static void Bool(Span<byte> p, ref int at, bool value) => p[at++] = value ? (byte)1 : (byte)0;

    private static void Int32(Span<byte> p, ref int at, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(p[at..], value);
        at += 4;
    }

    private static void Int64(Span<byte> p, ref int at, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(p[at..], value);
        at += 8;
    }

    private static void Decimal(Span<byte> p, ref int at, decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        for (int i = 0; i < 4; i++)
        {
            Int32(p, ref at, bits[i]);
        }
    }

    private static int ReadInt32(ReadOnlySpan<byte> p, ref int at)
    {
        int value = BinaryPrimitives.ReadInt32LittleEndian(p[at..]);
        at += 4;
        return value;
    }

    private static long ReadInt64(ReadOnlySpan<byte> p, ref int at)
    {
        long value = BinaryPrimitives.ReadInt64LittleEndian(p[at..]);
        at += 8;
        return value;
    }

    private static decimal ReadDecimal(ReadOnlySpan<byte> p, ref int at)
    {
        Span<int> bits = stackalloc int[4];
        for (int i = 0; i < 4; i++)
        {
            bits[i] = ReadInt32(p, ref at);
        }

        return new decimal(bits);
    }
}
