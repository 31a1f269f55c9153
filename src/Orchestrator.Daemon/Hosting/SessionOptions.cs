using Orchestrator.Adapters.MarketData;
using Orchestrator.Adapters.Paper;
using Orchestrator.Engine.Options;

namespace Orchestrator.Daemon.Hosting;

/// <summary>What a trading session runs with.</summary>
public sealed record SessionOptions
{
    public required EngineOptions Engine { get; init; }

    public required SyntheticMarketDataOptions Synthetic { get; init; }

    public required PaperExchangeOptions Paper { get; init; }

    /// <summary>
    /// A real broker (KIS, Alpaca) instead of the paper venue; null = paper. With several venues (<see cref="Venues"/>),
    /// the first; setting it sets <see cref="Venues"/> to it alone.
    /// </summary>
    public VenueSettings? Venue
    {
        get => Venues.Count > 0 ? Venues[0] : null;
        init => Venues = value is null ? [] : [value];
    }

    /// <summary>
    /// The real venues this process trades through (issue 19, several venues in one process): at most one per
    /// adapter, each with its own gateway, reconciliation, update stream and health; which symbols each trades is
    /// <see cref="Orchestrator.Core.InstrumentInfo.Venue"/> (daemon.yaml <c>routing:</c>). With one venue it trades
    /// every symbol, as before routing existed. Empty = the paper venue.
    /// </summary>
    public IReadOnlyList<VenueSettings> Venues { get; init; } = [];

    /// <summary>Configuration directory to watch for live edits of risk_management.yaml (null = no watching).</summary>
    public string? WatchConfigDirectory { get; init; }

    /// <summary>Replay this CSV/JSONL file instead of the synthetic feed (null = synthetic).</summary>
    public string? DataFile { get; init; }

    /// <summary>With <see cref="DataFile"/>: replay at the recorded pace (times this speed) rather than at <see cref="FeedTicksPerSecond"/>. 0 = off.</summary>
    public double RecordedSpeed { get; init; }

    /// <summary>Wall-clock pace of the feed; 0 = as fast as the engine takes it.</summary>
    public double FeedTicksPerSecond { get; init; } = 200;

    /// <summary>Stop the feed after this many ticks (0 = never): for tests and demos with a fixed input.</summary>
    public long MaxTicks { get; init; }

    /// <summary>Cancel open orders at shutdown (otherwise they are left working at the venue).</summary>
    public bool CancelOpenOrdersOnShutdown { get; init; } = true;

    /// <summary>How often the one-line status goes to the log.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long after start-up the report's and status line's GC figures start counting (see <see cref="GcWatch"/>).</summary>
    public TimeSpan GcWarmup { get; init; } = GcWatch.DefaultWarmup;

    /// <summary>The TCP signal gateway (null = off); it starts after the engine and stops first.</summary>
    public Adapters.SignalGateway.GatewayOptions? Gateway { get; init; }

    /// <summary>Signal sources of the daemon's own beyond strategy_agent and mcp (the orchestrator agent's name): no gateway connection may sign as them.</summary>
    public IReadOnlyList<string> ReservedSources { get; init; } = [];

    /// <summary>With a journal: how often a Checkpoint is published so a snapshot bounds recovery; zero = never.</summary>
    public TimeSpan SnapshotInterval { get; init; } = TimeSpan.FromMinutes(1);
}
