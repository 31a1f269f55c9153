using System.Collections.Concurrent;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Alpaca;

/// <summary>Keeps every tick and pulses on each, so a test can wait for a condition.</summary>
internal sealed class TickSink : IMarketDataSink
{
    public ConcurrentQueue<MarketTick> Ticks { get; } = new();

    public Pulse Changed { get; } = new();

    public void OnMarketData(in MarketTick tick)
    {
        Ticks.Enqueue(tick);
        Changed.Set();
    }
}

/// <summary>Keeps every venue order update and refresh request, pulsing on each.</summary>
internal sealed class UpdateSink : IVenueUpdateSink
{
    private int _refreshes;

    public ConcurrentQueue<VenueOrderState> Updates { get; } = new();

    public int Refreshes => Volatile.Read(ref _refreshes);

    public Pulse Changed { get; } = new();

    public void OnVenueOrderUpdate(VenueOrderState state)
    {
        Updates.Enqueue(state);
        Changed.Set();
    }

    public void RequestRefresh()
    {
        Interlocked.Increment(ref _refreshes);
        Changed.Set();
    }
}
