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

    /// <summary>The record's length for <paramref name="parameters"/> (header, prefix and body).</summary>
    public static int RecordBytes(RiskParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        int bytes = JournalCodec.RecordHeaderBytes + JournalCodec.PayloadPrefixBytes + FixedBodyBytes;
        IReadOnlyList<string> allowed = parameters.Risk.AllowedSymbols;
        for (int i = 0; i < allowed.Count; i++)
        {
            bytes += 2 + Encoding.UTF8.GetByteCount(allowed[i]);
        }

        return bytes;
    }

    /// <summary>Whether <paramref name="parameters"/> fit in one journal record (the allowed-symbols list is the only variable part).</summary>
    public static bool Fits(RiskParameters parameters) => RecordBytes(parameters) <= JournalCodec.MaxRecordBytes;

    /// <summary>Encodes one record into <paramref name="destination"/> (at least <see cref="RecordBytes"/> long); returns its length.</summary>
    public static int Write(Span<byte> destination, RiskParameters parameters, long version, long sequence)
    {
        ArgumentNullException.ThrowIfNull(parameters);
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
        IReadOnlyList<string> allowed = r.AllowedSymbols;
        BinaryPrimitives.WriteUInt16LittleEndian(p[at..], checked((ushort)allowed.Count));
        at += 2;
        for (int i = 0; i < allowed.Count; i++)
        {
            int written = Encoding.UTF8.GetBytes(allowed[i], p[(at + 2)..]);
            BinaryPrimitives.WriteUInt16LittleEndian(p[at..], (ushort)written);
            at += 2 + written;
        }

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
        int allowedCount = BinaryPrimitives.ReadUInt16LittleEndian(payload[at..]);
        at += 2;
        string[] allowed = new string[allowedCount];
        for (int i = 0; i < allowedCount; i++)
        {
            if (at + 2 > payload.Length)
            {
                return false;
            }

            int length = BinaryPrimitives.ReadUInt16LittleEndian(payload[at..]);
            if (at + 2 + length > payload.Length)
            {
                return false;
            }

            allowed[i] = Encoding.UTF8.GetString(payload.Slice(at + 2, length));
            at += 2 + length;
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
