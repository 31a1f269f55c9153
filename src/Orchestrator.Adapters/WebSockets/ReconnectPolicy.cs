namespace Orchestrator.Adapters.WebSockets;

/// <summary>
/// Exponential backoff with jitter for one outage: base × 2^attempt (capped), ± jitter; after
/// <see cref="MaxFastAttempts"/> attempts the brief's CRITICAL alert is due and retries continue
/// at <see cref="SlowCadence"/> — never giving up for good. A message received ends the outage.
/// </summary>
public sealed record ReconnectPolicy
{
    public TimeSpan Base { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan Max { get; init; } = TimeSpan.FromSeconds(30);

    public int MaxFastAttempts { get; init; } = 10;

    public TimeSpan SlowCadence { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Fraction of the delay added or removed at random (0.2 = ±20 %).</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>No reconnect comes sooner than this, jitter included (KIS blocks keys that reconnect in a loop).</summary>
    public TimeSpan Floor { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// A connection must stay up this long before a message ends the outage (resets the backoff);
    /// zero = the first message does. Keeps a venue that answers and then closes from being hammered.
    /// </summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.Zero;

    /// <summary>KIS's link: reconnects at least 1 s apart, an outage over only after 10 s connected.</summary>
    public static ReconnectPolicy Kis { get; } = new() { Floor = TimeSpan.FromSeconds(1), StableAfter = TimeSpan.FromSeconds(10) };

    /// <summary>The wait before reconnect number <paramref name="attempt"/> (1-based) of an outage.</summary>
    public TimeSpan DelayFor(int attempt, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (attempt > MaxFastAttempts)
        {
            return SlowCadence > Floor ? SlowCadence : Floor;
        }

        double exponential = Base.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1));
        double capped = Math.Min(exponential, Max.TotalMilliseconds);
        double jittered = capped * (1 + (((random.NextDouble() * 2) - 1) * Jitter));
        return TimeSpan.FromMilliseconds(Math.Max(Math.Max(1, jittered), Floor.TotalMilliseconds));
    }
}
