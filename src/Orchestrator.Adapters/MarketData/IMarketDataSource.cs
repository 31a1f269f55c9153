using Orchestrator.Core;

namespace Orchestrator.Adapters.MarketData;

/// <summary>
/// A pull source of market data: the synthetic generator (infinite) or a file replay (finite).
/// A <see cref="MarketDataFeed"/> drains one on its own thread and pushes each tick to a sink.
/// </summary>
/// <remarks>Not thread-safe: one thread pulls (the feed's, or a test's).</remarks>
public interface IMarketDataSource
{
    /// <summary>Writes the next tick and returns <c>true</c>, or returns <c>false</c> once the source is exhausted.</summary>
    bool TryGetNext(out MarketTick tick);
}
