namespace Orchestrator.Adapters.MarketData;

/// <summary>How a <see cref="MarketDataFeed"/> spaces the ticks it pushes.</summary>
public enum MarketDataPaceKind : byte
{
    /// <summary>No waiting: each tick is pushed as soon as the sink returns from the previous one.</summary>
    AsFastAsPossible = 0,

    /// <summary>A fixed rate: tick i is due at start + i / TicksPerSecond.</summary>
    FixedRate,

    /// <summary>The ticks' own timing: tick i is due at start + (TsEventNs(i) − TsEventNs(0)) / Speed.</summary>
    Recorded,
}
