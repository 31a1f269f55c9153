using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Orchestrator.Agents.Health;
using Orchestrator.Daemon.Hosting;

namespace Orchestrator.Daemon.Metrics;

/// <summary>
/// <c>GET /metrics</c> (Prometheus text 0.0.4) and <c>GET /health</c> (JSON: overall state, when the
/// snapshot was taken and its age, each component's state, detail and last check; 200 when healthy or
/// degraded, 503 otherwise — and 503 when the monitor's snapshot is stale, older than
/// <see cref="HealthMonitor.StaleAfter"/>: the monitor has stopped checking) on the control API's host. They need the bearer token like the rest unless
/// <see cref="Unauthenticated"/> (daemon.yaml <c>control_api.metrics_unauthenticated</c>).
/// </summary>
/// <param name="Session">The running session.</param>
/// <param name="Metrics">Its instruments, rendered by <c>/metrics</c>.</param>
/// <param name="Health">The agents' health monitor, whose latest snapshot <c>/health</c> serves; null = the session's components checked at each request.</param>
/// <param name="Unauthenticated">True to serve both without the token.</param>
public sealed record ObservabilityEndpoints(TradingSession Session, OrchestratorMetrics Metrics, HealthMonitor? Health, bool Unauthenticated)
{
    public const string MetricsPath = "/metrics";
    public const string HealthPath = "/health";

    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>True if <paramref name="path"/> is one of these endpoints and they are configured to be open.</summary>
    public bool AllowsAnonymous(PathString path) => Unauthenticated && (path.Equals(MetricsPath, StringComparison.Ordinal) || path.Equals(HealthPath, StringComparison.Ordinal));

    /// <summary>Maps both endpoints; the exporter lives as long as the app.</summary>
    public void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var exporter = new PrometheusExporter(Metrics.Meters);
        app.Lifetime.ApplicationStopped.Register(exporter.Dispose);
        app.MapGet(MetricsPath, () => Results.Text(exporter.Scrape(), PrometheusExporter.ContentType));
        app.MapGet(HealthPath, () =>
        {
            HealthSnapshot snapshot = Health?.Current is { Version: > 0 } current ? current : SessionHealth.CheckNow(Session);
            bool unhealthy = snapshot.Overall == HealthState.Unhealthy || Health?.IsStale(snapshot) == true;
            return Results.Json(HealthJson(snapshot, Health), s_json, statusCode: unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        });
    }

    /// <summary>
    /// The JSON shape of a health snapshot (also /api/health's): <c>snapshot_age_s</c> is its age by the
    /// monitor's clock (0 for the session's own components, checked at the request), and a snapshot of
    /// <paramref name="monitor"/>'s older than its <see cref="HealthMonitor.StaleAfter"/> is
    /// <c>stale</c> with <c>overall</c> unhealthy, whatever its components said.
    /// </summary>
    public static object HealthJson(HealthSnapshot h, HealthMonitor? monitor = null)
    {
        ArgumentNullException.ThrowIfNull(h);
        bool monitored = monitor is not null && h.Version > 0;
        bool stale = monitored && monitor!.IsStale(h);
        return new
        {
            overall = (stale ? HealthState.Unhealthy : h.Overall).ToString().ToLowerInvariant(),
            taken_at = h.TakenAt,
            snapshot_age_s = monitored ? Math.Round(monitor!.AgeOf(h).TotalSeconds, 3) : 0,
            stale,
            stale_after_s = monitor?.StaleAfter.TotalSeconds,
            components = h.Components.Select(c => new { name = c.Name, state = c.State.ToString().ToLowerInvariant(), detail = c.Detail, checked_at = c.CheckedAt }),
        };
    }
}
