using System.Diagnostics;
using System.Globalization;
using Orchestrator.Adapters.WebSockets;
using Orchestrator.Agents.Health;
using Orchestrator.Core;
using Orchestrator.Daemon.Control;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine;
using Orchestrator.Engine.Metrics;
using Orchestrator.Engine.State;

namespace Orchestrator.Daemon.Display;

/// <summary>
/// Reads what a dashboard frame shows, on the display thread: asks the trading thread for a
/// fresh account snapshot (one non-blocking publish) and copies the latest published one into a
/// reused <see cref="SnapshotCopy"/> (a seqlock read: the engine never waits for it), plus the
/// counters, the latency summary, the health monitor's latest snapshot and the recent signals.
/// </summary>
public sealed class DashboardSource(TradingSession session, RecentSignals signals, Func<HealthSnapshot>? health = null, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SnapshotCopy _copy = new();
    private readonly AgentBookCopy _agents = new();
    private EquitySeries? _equity;
    private long _lastEvents;
    private long _lastTimestamp;
    private double _eventsPerSecond;

    public DashboardView Build(DisplayConfig display)
    {
        ArgumentNullException.ThrowIfNull(display);
        TradingEngine engine = session.Engine;
        if (engine.Inbound.GetRemainingCapacity() > engine.Inbound.BufferSize / 2)
        {
            engine.RequestSnapshot(session.LastEventTimeNs); // for the next frame: this one reads the latest published; skipped while the ring is busy
        }

        long version = engine.Snapshot.Read(_copy);
        DateTimeOffset now = _time.GetUtcNow();

        long startingRaw = engine.Portfolio.StartingCashRaw;
        long equityRaw = version > 0 ? _copy.EquityRaw : engine.Portfolio.EquityRaw;
        long cashRaw = version > 0 ? _copy.CashRaw : engine.Portfolio.CashRaw;
        long dayStartRaw = engine.Risk.StartOfDayEquityRaw;
        if (dayStartRaw == 0)
        {
            dayStartRaw = startingRaw;
        }

        _equity ??= new EquitySeries(FixedPoint.ToDecimal(startingRaw));
        long marketTimeNs = version > 0 ? _copy.EventTimeNs : 0;
        if (marketTimeNs > 0)
        {
            // Sampled on the market's clock (the snapshot's event time), not the wall clock: a feed
            // replayed 200x faster than real time must not be annualised as if it were real time.
            _equity.Add(marketTimeNs, equityRaw);
        }

        LatencySummary latency = session.Latency.Summarize();
        long events = Volatile.Read(ref engine.Counters.Events);
        long timestamp = Stopwatch.GetTimestamp();
        if (_lastTimestamp != 0)
        {
            double seconds = Stopwatch.GetElapsedTime(_lastTimestamp, timestamp).TotalSeconds;
            _eventsPerSecond = seconds > 0 ? (events - _lastEvents) / seconds : _eventsPerSecond;
        }

        _lastEvents = events;
        _lastTimestamp = timestamp;
        int ringSize = engine.Inbound.BufferSize;
        double occupancy = (ringSize - engine.Inbound.GetRemainingCapacity()) / (double)ringSize;

        return new DashboardView
        {
            Mode = display.Mode,
            Now = now,
            MarketTimeNs = marketTimeNs,
            KillSwitch = version > 0 ? _copy.KillSwitch : engine.Risk.KillSwitchEngaged,
            Account = new AccountView(FixedPoint.ToDecimal(cashRaw), FixedPoint.ToDecimal(equityRaw), FixedPoint.ToDecimal(equityRaw - dayStartRaw), FixedPoint.ToDecimal(equityRaw - startingRaw)),
            Positions = version > 0 ? Positions(engine.Symbols, engine.Portfolio.Units) : [],
            OpenOrders = version > 0 ? Orders(engine.Symbols, engine.Portfolio.Units) : [],
            Signals = signals.Copy(engine.Symbols, engine.Sources),
            Components = Components(),
            Agents = engine.Agents.Read(_agents) > 0 ? _agents.Figures(engine.Symbols, engine.AgentKinds) : [],
            ExternalAgents = ExternalAgents(now),
            Performance = _equity.Measure(),
            Engine = new EngineView(events, _eventsPerSecond, latency.P50Us, latency.P99Us, occupancy, engine.Counters.TotalRejects, engine.Audit.Dropped),
        };
    }

    private List<ExternalAgentView> ExternalAgents(DateTimeOffset now) => session.SignalGateway is { } gateway
        ? [.. gateway.Agents.Select(a => new ExternalAgentView(a.Name, a.Connected, now - a.LastHeartbeat, a.Counters.MarketDataDropped))]
        : [];

    /// <summary>Open positions, quantities in shares (issue 19: a fractional symbol's units as "0.5").</summary>
    private List<PositionView> Positions(SymbolTable symbols, QuantityUnits units)
    {
        var positions = new List<PositionView>();
        for (int s = 0; s < _copy.Quantity.Length; s++)
        {
            if (_copy.Quantity[s] != 0)
            {
                positions.Add(new PositionView(symbols.GetName(s), units.ToDecimal(s, _copy.Quantity[s]), FixedPoint.ToDecimal(_copy.AvgCostRaw[s]), FixedPoint.ToDecimal(_copy.LastRaw[s]), FixedPoint.ToDecimal(_copy.UnrealizedRaw[s])));
            }
        }

        return positions;
    }

    /// <summary>Open orders, quantities in shares.</summary>
    private List<OrderView> Orders(SymbolTable symbols, QuantityUnits units)
    {
        var orders = new List<OrderView>(_copy.OrderCount);
        for (int i = 0; i < _copy.OrderCount; i++)
        {
            SnapshotOrder o = _copy.Orders[i];
            orders.Add(new OrderView(o.ClientOrderId, symbols.GetName(o.SymbolId), o.Side == Side.Buy ? "BUY" : "SELL", units.ToDecimal(o.SymbolId, o.Quantity), units.ToDecimal(o.SymbolId, o.FilledQuantity),
                o.LimitRaw > 0 ? FixedPoint.ToDecimal(o.LimitRaw) : null, o.Status.ToString()));
        }

        return orders;
    }

    /// <summary>
    /// The health monitor's components (without one, agents off: the engine's own state), then
    /// each WebSocket link as it is now (the monitor's market_data check sums them up).
    /// </summary>
    private List<ComponentView> Components()
    {
        var components = new List<ComponentView>();
        if (health?.Invoke() is { Components.Count: > 0 } snapshot)
        {
            components.AddRange(snapshot.Components.Select(c => new ComponentView(c.Name, c.State, c.Detail)));
        }
        else
        {
            components.Add(session.Fault is { } fault
                ? new ComponentView("engine", HealthState.Unhealthy, $"stage {fault.ProcessorName} halted")
                : new ComponentView("engine", HealthState.Healthy, "running"));
        }

        foreach (WebSocketManager link in session.Links)
        {
            HealthState state = link.State switch
            {
                ConnectionState.Connected => HealthState.Healthy,
                ConnectionState.Connecting or ConnectionState.Reconnecting => HealthState.Degraded,
                _ => HealthState.Unhealthy,
            };
            components.Add(new ComponentView("link " + link.Name, state, string.Create(CultureInfo.InvariantCulture, $"{link.State}, {link.Reconnects} reconnects")));
        }

        return components;
    }
}
