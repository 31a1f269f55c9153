using System.Globalization;
using Orchestrator.Adapters.Venues;
using Orchestrator.Adapters.WebSockets;
using Orchestrator.Agents.Alerts;
using Orchestrator.Agents.Health;
using Orchestrator.Core;
using Orchestrator.Engine;

namespace Orchestrator.Daemon.Hosting;

/// <summary>
/// The brief's manual-intervention situations: insufficient balance, API keys refused, broker
/// outage, network down — and a fill of an order this run did not place. Each raises a CRITICAL alert and pauses trading (engages the engine's
/// kill switch, which also cancels open orders) until a person fixes the cause and releases it
/// (<c>POST /api/kill-switch/release</c>). Position differences found by the reconciler already
/// paused trading there; they raise the alert. Agents the health monitor gave up on are alerted,
/// not paused. Everything here runs on slow threads (gateway, WebSocket client, health monitor):
/// the engine is reached only through one non-blocking command publish.
/// </summary>
/// <remarks>
/// A broker outage while several venues run (issue 19) pauses only that venue: <see cref="CommandKind.PauseVenue"/> makes
/// risk refuse new orders of its symbols while the other venues trade on, and it resumes by itself
/// (<see cref="CommandKind.ResumeVenue"/>) when the venue's circuit closes again — an outage is the venue's, its end is
/// measurable, and nothing a person must check is left behind (orders in doubt pause their own symbols until found).
/// The global kill switch stays for everything else, and for an outage of the only venue: refused credentials, missing
/// funds, a foreign fill, a client order id collision and position differences are the account's (not one venue's
/// connection) and need a person; a market-data link that keeps failing is one feed the symbols of several venues may
/// share; and with one venue the outage stops all trading anyway, so the kill switch also cancels the open orders and
/// waits for a person, as before. A venue paused by the run before a restart (journal) resumes at <see cref="Attach(VenueBrokerGateway?, IReadOnlyList{WebSocketManager}, VenueReconciler?)"/>:
/// the start-up just reached that venue (authentication, holdings, reconciliation).
/// </remarks>
public sealed class InterventionAlerts : IDisposable
{
    private static readonly NLog.Logger s_logger = NLog.LogManager.GetLogger("Orchestrator.Alerts");

    private const string ReleaseHint = "TRADING PAUSED (kill switch engaged): fix the cause, then release it with POST /api/kill-switch/release";

    private readonly AlertService _alerts;
    private readonly TradingEngine _engine;
    private readonly Func<long> _eventTimeNs;
    private readonly bool _pauseTrading;
    private readonly List<Action> _detach = [];
    private long _pauses;
    private long _venuePauses;

    public InterventionAlerts(AlertService alerts, TradingEngine engine, Func<long> eventTimeNs, bool pauseTrading = true)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(eventTimeNs);
        _alerts = alerts;
        _engine = engine;
        _eventTimeNs = eventTimeNs;
        _pauseTrading = pauseTrading;
    }

    /// <summary>How many times this engaged the kill switch.</summary>
    public long Pauses => Interlocked.Read(ref _pauses);

    /// <summary>How many times this paused one venue (a broker outage while several venues run).</summary>
    public long VenuePauses => Interlocked.Read(ref _venuePauses);

    /// <summary>Subscribes to a venue session's gateway, links and reconciler (any may be null or empty: a paper session).</summary>
    public void Attach(VenueBrokerGateway? gateway, IReadOnlyList<WebSocketManager> links, VenueReconciler? reconciler)
    {
        ArgumentNullException.ThrowIfNull(links);
        if (gateway is not null)
        {
            gateway.Incident += OnIncident;
            _detach.Add(() => gateway.Incident -= OnIncident);
            gateway.IncidentCleared += OnIncidentCleared;
            _detach.Add(() => gateway.IncidentCleared -= OnIncidentCleared);
            if (PausesOneVenue(gateway.VenueName, out int venueId) && _engine.Risk.VenuePaused(venueId))
            {
                // Paused by the run before the restart (the journal): this start reached the venue, so it trades again;
                // if it is still failing, its circuit opens and pauses it anew.
                _engine.PublishCommand(CommandKind.ResumeVenue, venueId, _eventTimeNs());
                s_logger.Warn("Venue {0} was paused for a broker outage by the run before the restart; this start reached it: its symbols trade again", gateway.VenueName);
            }
        }

        foreach (WebSocketManager link in links)
        {
            link.Degraded += OnLinkDegraded;
            _detach.Add(() => link.Degraded -= OnLinkDegraded);
            link.SubscriptionRefused += OnSubscriptionRefused;
            _detach.Add(() => link.SubscriptionRefused -= OnSubscriptionRefused);
        }

        if (reconciler is not null)
        {
            reconciler.Paused += OnReconcilerPaused;
            _detach.Add(() => reconciler.Paused -= OnReconcilerPaused);
            if (reconciler.Pauses > 0 && reconciler.Last is { Differences.Count: > 0 } last)
            {
                OnReconcilerPaused(last); // the start-up reconciliation ran before anyone could listen
            }
        }
    }

    /// <summary>Alerts when the health monitor gives up on a component (e.g. an agent over its restart budget).</summary>
    public void Attach(HealthMonitor health)
    {
        ArgumentNullException.ThrowIfNull(health);
        health.StateChanged += OnHealthChanged;
        _detach.Add(() => health.StateChanged -= OnHealthChanged);
    }

    /// <summary>A venue incident: CRITICAL alert, and a pause.</summary>
    public void OnIncident(VenueIncident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        (string kind, string what) = incident.Kind switch
        {
            VenueIncidentKind.InsufficientFunds => ("insufficient_balance", "the account lacks cash or buying power"),
            VenueIncidentKind.CredentialsRefused => ("api_key_refused", "the broker refused our API keys (expired or revoked): renew them"),
            VenueIncidentKind.ForeignFill => ("foreign_fill", "the venue filled an order this run did not place: positions drift from the engine's; check the account"),
            VenueIncidentKind.ClientOrderIdCollision => ("client_order_id_collision", "the venue holds another order under one of our client order ids: order refused, not adopted"),
            _ => ("broker_outage", "the broker is unreachable or failing"),
        };
        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["venue"] = incident.Venue, ["detail"] = incident.Detail };
        if (incident.ClientOrderId != 0)
        {
            fields["client_order_id"] = incident.ClientOrderId.ToString(CultureInfo.InvariantCulture);
        }

        if (incident.Code is { } code)
        {
            fields["code"] = code;
        }

        if (incident.Kind == VenueIncidentKind.BrokerOutage && PausesOneVenue(incident.Venue, out int venueId))
        {
            PauseVenueAndAlert(venueId, kind, kind + ":" + incident.Venue, incident.Venue + ": " + what, fields);
            return;
        }

        PauseAndAlert(kind, kind + ":" + incident.Venue, incident.Venue + ": " + what, fields);
    }

    /// <summary>An incident's cause is gone: a venue paused for an outage trades again (several venues only; a kill switch waits for a person).</summary>
    public void OnIncidentCleared(VenueIncident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        if (incident.Kind != VenueIncidentKind.BrokerOutage || !_pauseTrading || !PausesOneVenue(incident.Venue, out int venueId) || !_engine.Risk.VenuePaused(venueId))
        {
            return;
        }

        _engine.PublishCommand(CommandKind.ResumeVenue, venueId, _eventTimeNs());
        _alerts.Alert(AlertSeverity.Warning, "broker_outage_cleared", "broker_outage_cleared:" + incident.Venue, incident.Venue + ": reachable again; its symbols trade again",
            new Dictionary<string, string>(StringComparer.Ordinal) { ["venue"] = incident.Venue, ["detail"] = incident.Detail });
    }

    /// <summary>Whether an outage of <paramref name="venue"/> pauses that venue alone: several venues run and it trades some of the symbols.</summary>
    private bool PausesOneVenue(string venue, out int venueId)
    {
        venueId = _engine.Venues.IdOf(venue);
        return _engine.Venues.Count > 1 && venueId >= 0;
    }

    /// <summary>A subscription the venue refused: a symbol without data (or no execution notices) until a person acts. Alert, no pause.</summary>
    private void OnSubscriptionRefused(WebSocketManager link, string detail) =>
        _alerts.Alert(AlertSeverity.Critical, "subscription_refused", "subscription_refused:" + link.Name + ":" + detail, detail,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["link"] = link.Name });

    private void OnLinkDegraded(WebSocketManager link) =>
        PauseAndAlert("network_down", "network_down:" + link.Name, link.Name + ": reconnects keep failing — the network or the feed is down",
            new Dictionary<string, string>(StringComparer.Ordinal) { ["link"] = link.Name });

    private void OnReconcilerPaused(ReconciliationResult result)
    {
        string differences = string.Join(", ", result.Differences.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Symbol} engine {d.Engine} venue {d.Venue}")));
        _alerts.Alert(AlertSeverity.Critical, "position_difference", "position_difference",
            "positions differ from the venue's: " + differences + "; " + ReleaseHint,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["differences"] = differences });
    }

    private void OnHealthChanged(object? sender, HealthStateChange change)
    {
        if (change.Critical)
        {
            _alerts.Alert(AlertSeverity.Critical, "component_down", "component_down:" + change.Component, change.Component + ": " + change.Detail + " — a person must look",
                new Dictionary<string, string>(StringComparer.Ordinal) { ["component"] = change.Component, ["state"] = change.Current.ToString() });
        }
    }

    private void PauseAndAlert(string kind, string key, string message, Dictionary<string, string> fields)
    {
        // Engaged already (by us, the reconciler or a person): not published again, so an incident
        // repeating every poll does not fill the journal with commands.
        if (_pauseTrading && !_engine.Risk.KillSwitchEngaged)
        {
            _engine.PublishCommand(CommandKind.EngageKillSwitch, 0, _eventTimeNs());
            Interlocked.Increment(ref _pauses);
        }

        _alerts.Alert(AlertSeverity.Critical, kind, key, _pauseTrading ? message + "; " + ReleaseHint : message, fields);
    }

    private void PauseVenueAndAlert(int venueId, string kind, string key, string message, Dictionary<string, string> fields)
    {
        // Paused already: not published again (the circuit can open again while it is).
        if (_pauseTrading && !_engine.Risk.VenuePaused(venueId))
        {
            _engine.PublishCommand(CommandKind.PauseVenue, venueId, _eventTimeNs());
            Interlocked.Increment(ref _venuePauses);
        }

        string venue = _engine.Venues.NameOf(venueId);
        _alerts.Alert(AlertSeverity.Critical, kind, key,
            _pauseTrading ? message + "; " + venue + "'s symbols PAUSED (the other venues trade on) until it answers again" : message, fields);
    }

    public void Dispose()
    {
        foreach (Action detach in _detach)
        {
            detach();
        }

        _detach.Clear();
    }
}
