namespace Orchestrator.Adapters.MarketData;

/// <summary>
/// The file formats <see cref="MarketDataFileReader"/> replays, chosen by extension
/// (<c>.csv</c>; <c>.jsonl</c> or <c>.ndjson</c>). The full description with examples is in
/// <c>src/Orchestrator.Adapters/MarketData/README.md</c>.
/// </summary>
/// <remarks>
/// <para>Names are case-insensitive, in any order; unknown names are ignored.</para>
/// <para>Bars (<see cref="Core.EventKind.Bar"/>): <c>timestamp,symbol,open,high,low,close,volume</c>
/// — PriceRaw = close, Size = volume, OpenRaw/HighRaw/LowRaw set.</para>
/// <para>Ticks (<see cref="Core.EventKind.TradeTick"/>): <c>timestamp,symbol,price,size</c>, optional
/// <c>bid,ask,bid_size,ask_size</c> (empty or absent = 0).</para>
/// <para><c>timestamp</c>: ISO-8601 (<c>2025-01-02T14:30:00.123456789Z</c>, an offset such as
/// <c>+09:00</c>, none = UTC; a space may replace the <c>T</c>; a date alone is midnight UTC) or
/// an integer since the Unix epoch in seconds, milliseconds, microseconds or nanoseconds, told by its
/// magnitude (<see cref="MarketDataTimestamp.TryParseNs"/>). Prices: invariant-culture decimals, rounded
/// half away from zero to the 10^-6 fixed-point scale; positive (bid/ask not negative). Sizes:
/// whole, not negative. A bar needs low ≤ open, close ≤ high.</para>
/// </remarks>
public enum MarketDataFileFormat : byte
{
    /// <summary>
    /// Comma-separated with a header line (required). Fields are trimmed and may be wrapped in
    /// double quotes, but may not contain commas. Blank lines are skipped. A header naming
    /// <c>price</c> makes a tick file; otherwise one naming open, high, low or close a bar file.
    /// </summary>
    Csv = 0,

    /// <summary>
    /// One JSON object per line, with the CSV column names as properties; values are numbers or
    /// numeric strings (null = absent). No header: an object with <c>price</c> is a tick, otherwise
    /// one with open, high, low or close a bar. Blank lines are skipped.
    /// </summary>
    JsonLines,
}
