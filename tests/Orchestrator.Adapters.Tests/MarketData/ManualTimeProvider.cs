namespace Orchestrator.Adapters.Tests.MarketData;

/// <summary>A clock that moves only when the test says so; safe to read from the feed thread.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    // Interlocked: the test thread advances while the feed thread reads.
    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public override long GetTimestamp() => Interlocked.Read(ref _utcTicks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}
