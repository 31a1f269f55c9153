using System.Buffers.Text;
using System.Runtime.CompilerServices;

namespace Orchestrator.Backtest;

/// <summary>
/// One trade of the report's <c>trades</c> array as the report's indented <see cref="System.Text.Json.Utf8JsonWriter"/>
/// writes it there (the array at depth 1, two spaces a level, LF), starting with the line end and
/// indentation before the object, so the writer takes it as a raw value: the same bytes, formatted
/// straight into a span (a long run has 100,000s of trades; through the writer each was a dozen
/// property writes). <c>ReportFormatTests</c> compares it with the writer's own output.
/// </summary>
internal static class TradeJson
{
    /// <summary>More bytes than a trade takes besides its (JSON-escaped) symbol: about 290 of names and punctuation, two times and seven numbers of at most 40.</summary>
    public const int MaxLengthWithoutSymbol = 1024;

    /// <summary>Writes <paramref name="trade"/> with its symbol already JSON-escaped (<paramref name="symbol"/>); the bytes written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Write(RoundTripTrade trade, ReadOnlySpan<byte> symbol, Span<byte> destination)
    {
        var o = new Utf8Builder(destination);
        o.Append("\n    {\n      \"symbol\": \""u8);
        o.Append(symbol);
        o.Append(trade.Direction == TradeDirection.Long ? "\",\n      \"direction\": \"long\""u8 : "\",\n      \"direction\": \"short\""u8);
        o.Append(trade.IsOpen ? ",\n      \"status\": \"open\""u8 : ",\n      \"status\": \"closed\""u8);
        o.Append(",\n      \"entry\": "u8);
        o.Time(trade.EntryTsNs);
        o.Append(",\n      \"exit\": "u8);
        o.Time(trade.ExitTsNs);
        o.Append(",\n      \"quantity\": "u8);
        o.Number(trade.Quantity);
        o.Append(",\n      \"open_quantity\": "u8);
        o.Number(trade.OpenQuantity);
        o.Append(",\n      \"average_entry_price\": "u8);
        o.Money(trade.AverageEntryPrice);
        o.Append(",\n      \"average_exit_price\": "u8);
        o.Money(trade.AverageExitPrice);
        o.Append(",\n      \"realized_pnl\": "u8);
        o.Money(trade.RealizedPnl);
        o.Append(",\n      \"fees\": "u8);
        o.Money(trade.Fees);
        o.Append(",\n      \"fills\": "u8);
        Utf8Formatter.TryFormat(trade.FillCount, o.Rest, out int written);
        o.Advance(written);
        o.Append("\n    }"u8);
        return o.Length;
    }

    private ref struct Utf8Builder(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Length { get; private set; }

        public readonly Span<byte> Rest => _buffer[Length..];

        public void Advance(int count) => Length += count;

        public void Append(ReadOnlySpan<byte> text)
        {
            text.CopyTo(Rest);
            Length += text.Length;
        }

        /// <summary>A decimal as the writer's WriteNumber writes it (its general format, the scale's digits kept).</summary>
        public void Number(decimal value) => Length += ReportFormat.WriteGeneral(value, Rest);

        public void Money(decimal? value)
        {
            if (value is { } money)
            {
                Length += ReportFormat.WriteDecimal(money, Rest);
            }
            else
            {
                Append("null"u8);
            }
        }

        public void Time(long? tsNs)
        {
            if (tsNs is { } ts)
            {
                Append("\""u8);
                Length += ReportFormat.WriteTimestamp(ts, Rest);
                Append("\""u8);
            }
            else
            {
                Append("null"u8);
            }
        }
    }
}
