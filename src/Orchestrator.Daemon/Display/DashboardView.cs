using Orchestrator.Agents.Health;

namespace Orchestrator.Daemon.Display;

/// <summary>
/// Everything one frame of the console dashboard shows, already read from the engine's
/// snapshot, counters, latency summary and health monitor: <see cref="DashboardRenderer"/>
/// turns it into text without looking anywhere else. Money is <c>decimal</c> here (display only).
/// </summary>
public sealed record DashboardView
{
    /// <summary>full or compact (<see cref="Control.DisplayConfig.Mode"/>).</summary>
    public string Mode { get; init; } = "full";

    /// <summary>Wall-clock time of the frame.</summary>
    public DateTimeOffset Now { get; init; }

    /// <summary>
    /// The market's clock: event time of the engine's snapshot (ns since the epoch; 0 = none yet).
    /// A replayed or synthetic feed runs faster than the wall clock; signal times and the
    /// performance figures are on this clock.
    /// </summary>
    public long MarketTimeNs { get; init; }

    public bool KillSwitch { get; init; }

    public required AccountView Account { get; init; }

    public IReadOnlyList<PositionView> Positions { get; init; } = [];

    public IReadOnlyList<OrderView> OpenOrders { get; init; } = [];

    /// <summary>Newest first.</summary>
    public IReadOnlyList<SignalView> Signals { get; init; } = [];

    public IReadOnlyList<ComponentView> Components { get; init; } = [];

    /// <summary>Per agent (signal source), in the book's order: counters and its own P&amp;L.</summary>
    public IReadOnlyList<Engine.State.AgentFigures> Agents { get; init; } = [];

    /// <summary>External agents (agent protocol) known to the gateway, by name; empty when there are none.</summary>
    public IReadOnlyList<ExternalAgentView> ExternalAgents { get; init; } = [];

    public required PerformanceView Performance { get; init; }

    public required EngineView Engine { get; init; }
}

/// <summary>Cash, equity and P&amp;L (day: since the trading day's start-of-day equity; total: since the session's starting cash).</summary>
public sealed record AccountView(decimal Cash, decimal Equity, decimal DayPnl, decimal TotalPnl);

public sealed record PositionView(string Symbol, decimal Quantity, decimal AverageCost, decimal LastPrice, decimal UnrealizedPnl);

public sealed record OrderView(long ClientOrderId, string Symbol, string Side, decimal Quantity, decimal FilledQuantity, decimal? LimitPrice, string Status);

/// <summary>What became of a signal, as the audit stream told it.</summary>
public enum SignalFate
{
    /// <summary>No verdict seen yet.</summary>
    Pending,

    /// <summary>Passed risk and sizing: an order went out.</summary>
    Executed,

    /// <summary>Its order filled (fully).</summary>
    Filled,

    /// <summary>Refused by risk or sizing, or its order was rejected by the broker (see the reason).</summary>
    Rejected,

    /// <summary>Held back by consolidation, pending in its group's window (issue 18).</summary>
    Held,

    /// <summary>Held, then counted in a decision another signal traded (Detail: that signal).</summary>
    Contributed,

    /// <summary>Not traded: another signal decided against it, or first (Detail: that signal).</summary>
    Outvoted,

    /// <summary>Not traded: vetoed, or it is a veto source's signal (Detail: the veto).</summary>
    Vetoed,

    /// <summary>Held until its window ended without a decision, or replaced by its source's newer signal.</summary>
    Expired,
}

/// <summary>One signal and its fate.</summary>
/// <remarks>TsEventNs is the signal's event time (the market's clock, not the wall clock); Source the
/// rule's name, the agent that sent it, or the protective exit; Detail the order id or the reject reason.</remarks>
public sealed record SignalView(long TsEventNs, string Symbol, string Side, string Source, decimal Confidence, SignalFate Fate, string Detail);

/// <summary>An external agent: whether it is connected, how long ago its last line came (null: none yet), market data dropped for it.</summary>
public sealed record ExternalAgentView(string Name, bool Connected, TimeSpan? HeartbeatAge, long Dropped);

public sealed record ComponentView(string Name, HealthState State, string Detail);

/// <summary>Figures over the equity sampled at each refresh on market time (<see cref="DashboardView.MarketTimeNs"/>); null until there are enough samples.</summary>
public sealed record PerformanceView(double? CumulativeReturn, double? Sharpe, double? MaxDrawdown, int Samples);

/// <summary>The engine's figures: events, events/s, order latency percentiles (µs), inbound ring occupancy (a fraction, 0..1), rejects, audit records dropped.</summary>
public sealed record EngineView(long Events, double EventsPerSecond, double LatencyP50Us, double LatencyP99Us, double RingOccupancy, long Rejects, long AuditDropped);
