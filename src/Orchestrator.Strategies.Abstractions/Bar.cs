using Orchestrator.Core;

namespace Orchestrator.Strategies;

/// <summary>
/// A bar the strategy host built on event time for one of the strategy's
/// <see cref="IStrategy.Timeframes"/>, delivered when it closed: on the first input of the symbol
/// at or after <see cref="EndNs"/>, before that input's <see cref="IStrategy.OnTick"/>. Prices
/// are fixed-point raw units (<see cref="FixedPoint.Scale"/> per whole unit).
/// </summary>
public readonly struct Bar
{
    /// <summary>A bar; <paramref name="endNs"/> 0 = <paramref name="startNs"/> + the timeframe (a bar cut short at a session's open or close ends earlier).</summary>
    public Bar(int symbolId, Timeframe timeframe, long startNs, long openRaw, long highRaw, long lowRaw, long closeRaw, long volume, long endNs = 0)
    {
        EndNs = endNs != 0 ? endNs : startNs + timeframe.DurationNs;
        SymbolId = symbolId;
        Timeframe = timeframe;
        StartNs = startNs;
        OpenRaw = openRaw;
        HighRaw = highRaw;
        LowRaw = lowRaw;
        CloseRaw = closeRaw;
        Volume = volume;
    }

    public int SymbolId { get; }

    public Timeframe Timeframe { get; }

    /// <summary>
    /// Start of the bar, ns since the Unix epoch: a multiple of the timeframe on UTC days; with exchange
    /// calendars the exchange's local midnight for a 1d bar, and a multiple of the timeframe from the regular open
    /// (or the open itself, or the close) for a shorter one.
    /// </summary>
    public long StartNs { get; }

    /// <summary>End of the bar (exclusive): <see cref="StartNs"/> + the timeframe, or earlier at a session's open or close (exchange calendars).</summary>
    public long EndNs { get; }

    public long OpenRaw { get; }

    public long HighRaw { get; }

    public long LowRaw { get; }

    public long CloseRaw { get; }

    public long Volume { get; }
}
