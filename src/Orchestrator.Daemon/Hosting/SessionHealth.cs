using System.Globalization;
using Orchestrator.Adapters.Venues;
using Orchestrator.Adapters.WebSockets;
using Orchestrator.Agents.Health;
using Orchestrator.Engine;

namespace Orchestrator.Daemon.Hosting;

/// <summary>
/// The health of a session's own components — engine, market data links, broker — read from
/// the slow path: the health monitor's checks when the agents run, and <c>/health</c> when they do not.
/// </summary>
public static class SessionHealth
{
    public const string EngineComponent = "engine";
    public const string MarketDataComponent = "market_data";
    public const string BrokerComponent = "broker";
    public const string GatewayComponent = "gateway";

    /// <summary>Unhealthy once a stage halted; degraded with the inbound ring over 90% full.</summary>
    public static ComponentHealth Engine(TradingSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Fault is { } fault)
        {
            return ComponentHealth.Of(EngineComponent, HealthState.Unhealthy, $"stage {fault.ProcessorName} halted at sequence {fault.Sequence}");
        }

        TradingEngine e = session.Engine;
        double fill = (e.Inbound.BufferSize - e.Inbound.GetRemainingCapacity()) / (double)e.Inbound.BufferSize;
        return ComponentHealth.Of(EngineComponent, fill > 0.9 ? HealthState.Degraded : HealthState.Healthy,
            string.Create(CultureInfo.InvariantCulture, $"{e.Counters.Events} events, inbound ring {fill:P0} full"));
    }

    /// <summary>The worst of the venue's WebSocket links; healthy for an in-process feed.</summary>
    public static ComponentHealth MarketData(TradingSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        IReadOnlyList<WebSocketManager> links = session.Links;
        if (links.Count == 0)
        {
            return ComponentHealth.Of(MarketDataComponent, HealthState.Healthy, "in-process feed");
        }

        HealthState worst = HealthState.Healthy;
        foreach (WebSocketManager link in links)
        {
            HealthState state = link.State switch
            {
                ConnectionState.Connected => link.SubscriptionProblem is null ? HealthState.Healthy : HealthState.Degraded,
                ConnectionState.Connecting or ConnectionState.Reconnecting => HealthState.Degraded,
                _ => HealthState.Unhealthy,
            };
            worst = (HealthState)Math.Max((int)worst, (int)state);
        }

        return ComponentHealth.Of(MarketDataComponent, worst, string.Join(", ", links.Select(l => $"{l.Name} {l.State} ({l.Reconnects} reconnects)" + (l.SubscriptionProblem is { } problem ? " subscriptions " + problem : string.Empty))));
    }

    /// <summary>
    /// The health component of <paramref name="venue"/> when the session trades through several venues
    /// (<c>broker:kis</c>, <c>broker:alpaca</c>); with one, it is <see cref="BrokerComponent"/>.
    /// </summary>
    public static string BrokerComponentOf(string venue) => BrokerComponent + ":" + venue;

    /// <summary>The venue gateway's figures; degraded while its reads fail or the venue shows orders we cannot explain.</summary>
    public static ComponentHealth Broker(TradingSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.VenueGateway is not VenueBrokerGateway gateway)
        {
            return ComponentHealth.Of(BrokerComponent, HealthState.Healthy, "paper (in-process)");
        }

        return Broker(gateway, BrokerComponent);
    }

    /// <summary>
    /// One entry per venue: <see cref="Broker(TradingSession)"/> with one venue (or paper); with several, each
    /// venue's own (<see cref="BrokerComponentOf"/>), so one venue's trouble shows as that venue's.
    /// </summary>
    public static IReadOnlyList<(string Component, Func<ComponentHealth> Check)> Brokers(TradingSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        IReadOnlyList<VenueBrokerGateway> gateways = session.VenueGateways;
        if (gateways.Count <= 1)
        {
            return [(BrokerComponent, () => Broker(session))];
        }

        return [.. gateways.Select(g => (BrokerComponentOf(g.VenueName), (Func<ComponentHealth>)(() => Broker(g, BrokerComponentOf(g.VenueName)))))];
    }

    private static ComponentHealth Broker(VenueBrokerGateway gateway, string component)
    {
        string detail = string.Create(CultureInfo.InvariantCulture,
            $"{gateway.VenueName}: {gateway.OpenOrders} open, {gateway.UnknownOrders} in doubt so far, {gateway.Retries} retries, {gateway.CircuitOpenings} circuit openings, {gateway.PollFailures} failed reads, {gateway.UnexplainedVenueOrders} unexplained venue orders");
        HealthState state = gateway.UnexplainedVenueOrders > 0 || gateway.PollFailing ? HealthState.Degraded : HealthState.Healthy;
        return ComponentHealth.Of(component, state, detail);
    }

    /// <summary>The TCP signal gateway (null when it is off): degraded while every connection slot is taken.</summary>
    public static ComponentHealth? Gateway(TradingSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.SignalGateway is not { } gateway)
        {
            return null;
        }

        Adapters.SignalGateway.GatewayCounters c = gateway.Counters;
        string detail = string.Create(CultureInfo.InvariantCulture,
            $"127.0.0.1:{gateway.Port}, {c.ActiveConnections}/{gateway.MaxConnections} connections, {c.Accepted} accepted, {c.Rejected} refused, {c.RingFullWaits} ring-full waits");
        return ComponentHealth.Of(GatewayComponent, c.ActiveConnections >= gateway.MaxConnections ? HealthState.Degraded : HealthState.Healthy, detail);
    }

    /// <summary>The three (four with the gateway; one broker entry per venue), checked now, as one snapshot (for <c>/health</c> without the agents' monitor).</summary>
    public static HealthSnapshot CheckNow(TradingSession session, TimeProvider? time = null)
    {
        DateTimeOffset now = (time ?? TimeProvider.System).GetUtcNow();
        List<ComponentHealth> components = [Engine(session) with { CheckedAt = now }, MarketData(session) with { CheckedAt = now }, .. Brokers(session).Select(b => b.Check() with { CheckedAt = now })];
        if (Gateway(session) is { } gateway)
        {
            components.Add(gateway with { CheckedAt = now });
        }

        HealthState overall = (HealthState)components.Max(c => (int)c.State);
        return new HealthSnapshot(overall, components, null, now, 0);
    }
}
