namespace Orchestrator.Agents.Market;

/// <summary>One OHLCV bar of a symbol.</summary>
/// <param name="StartNs">Start of the bar's interval, ns since the Unix epoch (UTC).</param>
/// <param name="Open">First trade price in the interval.</param>
/// <param name="High">Highest trade price.</param>
/// <param name="Low">Lowest trade price.</param>
/// <param name="Close">Last trade price.</param>
/// <param name="Volume">Shares traded.</param>
public readonly record struct Bar(long StartNs, decimal Open, decimal High, decimal Low, decimal Close, long Volume)
{
    /// <summary>The start as a UTC time (100 ns resolution).</summary>
    public DateTimeOffset StartUtc => DateTimeOffset.UnixEpoch.AddTicks(StartNs / 100);
}
