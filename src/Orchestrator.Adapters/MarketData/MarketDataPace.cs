namespace Orchestrator.Adapters.MarketData;

/// <summary>
/// The pacing of a <see cref="MarketDataFeed"/>: <see cref="AsFastAsPossible"/>, a fixed rate
/// (<see cref="Paced"/>) or the recorded timing of the ticks scaled by a speed factor
/// (<see cref="Recorded"/>). Due times are measured on the feed's <see cref="TimeProvider"/>
/// from the moment <see cref="MarketDataFeed.Start"/> is called.
/// </summary>
/// <remarks>
/// A paced feed that falls behind catches up without waiting (a burst); one that is ahead waits
/// with short sleeps rounded up to the millisecond (never spinning; a tick may leave up to 1 ms
/// late, and the average rate holds). Recorded pacing waits out every gap
/// in the data (an overnight gap at speed 1 is a night): replay multi-day files at a high speed
/// or <see cref="AsFastAsPossible"/>. Timestamps that go backwards are due at once.
/// </remarks>
public sealed record MarketDataPace
{
    private MarketDataPace(MarketDataPaceKind kind, double ticksPerSecond, double speed)
    {
        Kind = kind;
        TicksPerSecond = ticksPerSecond;
        Speed = speed;
    }

    /// <summary>No pacing: as fast as the source and the sink allow (backtests, replays into tests).</summary>
    public static MarketDataPace AsFastAsPossible { get; } = new(MarketDataPaceKind.AsFastAsPossible, 0, 0);

    public MarketDataPaceKind Kind { get; }

    /// <summary>Ticks per second of wall time (<see cref="MarketDataPaceKind.FixedRate"/> only, else 0).</summary>
    public double TicksPerSecond { get; }

    /// <summary>
    /// Replay speed factor (<see cref="MarketDataPaceKind.Recorded"/> only, else 0): 1 = as
    /// recorded, 2 = twice as fast, 0.5 = half speed.
    /// </summary>
    public double Speed { get; }

    /// <summary>A fixed rate: tick i is due <c>i / ticksPerSecond</c> seconds after start.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not a positive finite number.</exception>
    public static MarketDataPace Paced(double ticksPerSecond)
    {
        if (!double.IsFinite(ticksPerSecond) || ticksPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ticksPerSecond), ticksPerSecond, "The tick rate must be a positive finite number.");
        }

        return new MarketDataPace(MarketDataPaceKind.FixedRate, ticksPerSecond, 0);
    }

    /// <summary>
    /// At the recorded pace: tick i is due <c>(TsEventNs(i) − TsEventNs(0)) / speed</c> after
    /// start, so <paramref name="speed"/> 1 replays in real time and 10 ten times faster.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The speed is not a positive finite number.</exception>
    public static MarketDataPace Recorded(double speed = 1.0)
    {
        if (!double.IsFinite(speed) || speed <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(speed), speed, "The replay speed must be a positive finite number.");
        }

        return new MarketDataPace(MarketDataPaceKind.Recorded, 0, speed);
    }
}
