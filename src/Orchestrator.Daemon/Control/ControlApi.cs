using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Text.Json.Nodes;
using Orchestrator.Adapters.SignalGateway;
using Orchestrator.Agents.Routing;
using Orchestrator.Agents.Scheduling;
using Orchestrator.Agents.Supervision;
using Orchestrator.Core;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Daemon.Metrics;

namespace Orchestrator.Daemon.Control;

/// <summary>
/// The operator's HTTP API, on loopback only, every request authenticated with a bearer token:
/// status, positions, open orders, risk parameters (read and update), display configuration,
/// kill switch. A wrong or missing token is 401 and changes nothing; bad JSON or out-of-range
/// values are 400 with the validation text; a body over <see cref="MaxBodyBytes"/> is 413 and is
/// not read (whatever it declares or streams). It runs on the slow path and only reads snapshots
/// or publishes commands.
/// </summary>
public sealed class ControlApi : IAsyncDisposable
{
    // Relaxed escaping keeps quotes in validation messages readable; the API serves JSON, never HTML.
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Largest request body accepted (64 KiB): a risk file or an agent message is a few KiB at most.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private readonly WebApplication _app;

    private ControlApi(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Starts the API on 127.0.0.1:<paramref name="port"/> (0 = any free port).</summary>
    public static Task<ControlApi> StartAsync(TradingSession session, Secret token, int port, CancellationToken cancellationToken) =>
        StartAsync(session, null, token, port, cancellationToken);

    /// <summary>Starts the API with the agents' endpoints when <paramref name="agents"/> is given.</summary>
    public static Task<ControlApi> StartAsync(TradingSession session, AgentHost? agents, Secret token, int port, CancellationToken cancellationToken) =>
        StartAsync(session, agents, token, port, null, cancellationToken);

    /// <summary>Starts the API with <c>/metrics</c> and <c>/health</c> too when <paramref name="observability"/> is given.</summary>
    public static Task<ControlApi> StartAsync(TradingSession session, AgentHost? agents, Secret token, int port, ObservabilityEndpoints? observability, CancellationToken cancellationToken) =>
        StartAsync(session, agents, token, port, observability, null, cancellationToken);

    /// <summary>Starts the API with <c>POST /api/orchestrator/ask</c> answered by <paramref name="orchestrator"/> too (404 when null).</summary>
    public static async Task<ControlApi> StartAsync(TradingSession session, AgentHost? agents, Secret token, int port, ObservabilityEndpoints? observability, Orchestration.OrchestratorAgent? orchestrator, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(token);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = MaxBodyBytes; // chunked bodies too: reading past it fails with 413
        });
        WebApplication app = builder.Build();
        BearerToken.Require(app, token, observability is null ? null : observability.AllowsAnonymous); // configured open: control_api.metrics_unauthenticated
        app.Use(LimitBodyAsync);

        app.MapGet("/api/status", () => Results.Json(TradingQueries.Status(session), s_json));

        app.MapGet("/api/positions", () => Results.Json(TradingQueries.Positions(session), s_json));

        app.MapGet("/api/orders", () => Results.Json(TradingQueries.OpenOrders(session.Engine), s_json));

        // One agent's accountability (the engine's agent book): answered with or without the agent system.
        app.MapGet("/api/agents/{name}", (string name) => TradingQueries.Agent(session, name) is { } agent
            ? Results.Text(agent, "application/json", Encoding.UTF8)
            : Results.Json(new { error = $"no agent '{name}': the agent book has no such source (it has sent no signal); known: {string.Join(", ", TradingQueries.AgentNames(session.Engine))}" }, s_json, statusCode: StatusCodes.Status404NotFound));

        app.MapGet("/api/risk", () => Results.Text(RiskParametersYaml.ToJson(session.CurrentRiskParameters).ToJsonString(s_json), "application/json", Encoding.UTF8)); // the shape PUT takes

        app.MapPut("/api/risk", async (HttpRequest request, CancellationToken ct) =>
        {
            string body = await ReadBodyAsync(request, ct).ConfigureAwait(false);
            RiskUpdateResult result = await session.UpdateRiskParamsAsync(body, "control API", ct).ConfigureAwait(false);
            return result.Applied
                ? Results.Json(new { applied = true, version = result.Version }, s_json)
                : Results.Json(new { applied = false, errors = result.Errors }, s_json, statusCode: StatusCodes.Status400BadRequest);
        });

        app.MapGet("/api/display", () => Results.Json(DisplayJson(session.Display), s_json));

        app.MapPut("/api/display", async (HttpRequest request, CancellationToken ct) =>
        {
            string body = await ReadBodyAsync(request, ct).ConfigureAwait(false);
            DisplayConfig current = session.Display;
            DisplayConfig next;
            try
            {
                using JsonDocument json = JsonDocument.Parse(body);
                JsonElement root = json.RootElement;
                next = new DisplayConfig(
                    root.TryGetProperty("enabled", out JsonElement enabled) ? enabled.GetBoolean() : current.Enabled,
                    root.TryGetProperty("mode", out JsonElement mode) ? mode.GetString() ?? string.Empty : current.Mode,
                    root.TryGetProperty("refresh_interval_ms", out JsonElement refresh) ? TimeSpan.FromMilliseconds(refresh.GetDouble()) : current.RefreshInterval);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
            {
                return Results.Json(new { errors = new[] { "control API: malformed JSON or wrong type: " + ex.Message } }, s_json, statusCode: StatusCodes.Status400BadRequest);
            }

            IReadOnlyList<string> errors = await session.UpdateDisplayConfigAsync(next, ct).ConfigureAwait(false);
            return errors.Count == 0
                ? Results.Json(DisplayJson(next), s_json)
                : Results.Json(new { errors = errors.Select(e => "control API: " + e) }, s_json, statusCode: StatusCodes.Status400BadRequest);
        });

        app.MapPost("/api/kill-switch/engage", (bool? flatten) =>
        {
            TradingQueries.EngageKillSwitch(session, flatten == true);
            return Results.Json(new { kill_switch = "engaging", flatten = flatten == true }, s_json, statusCode: StatusCodes.Status202Accepted);
        });

        app.MapPost("/api/kill-switch/release", () =>
        {
            session.Engine.PublishCommand(CommandKind.ReleaseKillSwitch, 0, session.LastEventTimeNs);
            return Results.Json(new { kill_switch = "releasing" }, s_json, statusCode: StatusCodes.Status202Accepted);
        });

        if (agents is not null)
        {
            MapAgents(app, agents);
        }

        Orchestration.OrchestratorEndpoints.Map(app, orchestrator);
        observability?.Map(app);

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ControlApi(app, new Uri(address));
    }

    /// <summary>
    /// The agents' endpoints: send a message (the agent's result, or 400 bad message/params, 404
    /// unknown agent/method, 503 unavailable, 504 timeout, 500 the agent failed), delegate a task
    /// (202 with its id; unknown agent/method and params the agent can check before running are
    /// refused first, 404/400 naming the parameter), ask for or cancel it, list agents, read the
    /// health snapshot.
    /// </summary>
    private static void MapAgents(WebApplication app, AgentHost agents)
    {
        app.MapPost("/api/agents/message", async (HttpRequest request, CancellationToken ct) =>
        {
            if (!AgentMessage.TryParse(await ReadBodyAsync(request, ct).ConfigureAwait(false), out AgentMessage? message, out string? error))
            {
                return Results.Json(new { ok = false, error_code = AgentErrors.InvalidParams, error }, s_json, statusCode: StatusCodes.Status400BadRequest);
            }

            AgentResult result = await agents.Router.SendAgentMessageAsync(message!, cancellationToken: ct).ConfigureAwait(false);
            return AgentJson(result.ToJson(), result.Ok ? StatusCodes.Status200OK : StatusFor(result.ErrorCode));
        });

        app.MapPost("/api/tasks", async (HttpRequest request, CancellationToken ct) =>
        {
            if (!AgentMessage.TryParse(await ReadBodyAsync(request, ct).ConfigureAwait(false), out AgentMessage? message, out string? error))
            {
                return Results.Json(new { ok = false, error_code = AgentErrors.InvalidParams, error }, s_json, statusCode: StatusCodes.Status400BadRequest);
            }

            (string? id, AgentResult? refusal) = await agents.Router.DelegateTaskAsync(message!).ConfigureAwait(false);
            return id is not null
                ? AgentJson(new JsonObject { ["task_id"] = id }, StatusCodes.Status202Accepted)
                : AgentJson(refusal!.ToJson(), StatusFor(refusal.ErrorCode));
        });

        app.MapGet("/api/tasks/{id}", (string id) => agents.Jobs.Get(id) is { } info
            ? AgentJson(info.ToJson(), StatusCodes.Status200OK)
            : Results.Json(new { error = $"no task '{id}' (unknown, or finished long enough ago to be forgotten)" }, s_json, statusCode: StatusCodes.Status404NotFound));

        app.MapDelete("/api/tasks/{id}", (string id) =>
        {
            JobInfo? info = agents.Jobs.Get(id);
            if (info is null)
            {
                return Results.Json(new { error = $"no task '{id}'" }, s_json, statusCode: StatusCodes.Status404NotFound);
            }

            return agents.Jobs.Cancel(id)
                ? Results.Json(new { task_id = id, canceling = true }, s_json, statusCode: StatusCodes.Status202Accepted)
                : Results.Json(new { task_id = id, error = $"already {info.Status.ToString().ToLowerInvariant()}" }, s_json, statusCode: StatusCodes.Status409Conflict);
        });

        app.MapGet("/api/agents", () => Results.Json(agents.Router.Agents.Select(a => a is ExternalAgent external ? ExternalJson(external, agents.Supervisor) : (object)new
        {
            name = a.Name,
            methods = a.Methods.Order(StringComparer.Ordinal),
            last_heartbeat = a.LastHeartbeat,
            process = SupervisedProcessJson(agents.Supervisor, a.Name),
        }).Concat(NotRoutedSupervised(agents).Select(name => (object)new
        {
            name,
            methods = Array.Empty<string>(),
            last_heartbeat = (DateTimeOffset?)null,
            process = SupervisedProcessJson(agents.Supervisor, name),
        })), s_json));

        app.MapPost("/api/agents/{name}/resume", (string name) =>
        {
            if (agents.Supervisor is not { } supervisor || !supervisor.TryGetStatus(name, out SupervisedAgentStatus? status))
            {
                return Results.Json(new { error = $"no supervised agent '{name}' (daemon.yaml agents.processes)" }, s_json, statusCode: StatusCodes.Status404NotFound);
            }

            return supervisor.Resume(name) == ResumeOutcome.Resumed
                ? Results.Json(new { name, resumed = true }, s_json, statusCode: StatusCodes.Status202Accepted)
                : Results.Json(new { name, resumed = false, error = $"'{name}' is {status!.StateName}, not paused: nothing to resume" }, s_json, statusCode: StatusCodes.Status409Conflict);
        });

        app.MapGet("/api/health", () => Results.Json(ObservabilityEndpoints.HealthJson(agents.Health.Current, agents.Health), s_json));
    }

    /// <summary>
    /// A supervised agent's process for <c>GET /api/agents</c>: state (running, backoff, paused,
    /// stopped), restarts, last exit code, uptime, pid, why it last ended; null when it is not one.
    /// </summary>
    private static object? SupervisedProcessJson(AgentSupervisor? supervisor, string name)
    {
        if (supervisor is null || !supervisor.TryGetStatus(name, out SupervisedAgentStatus? s))
        {
            return null;
        }

        return new
        {
            state = s!.StateName,
            restarts = s.Restarts,
            last_exit_code = s.LastExitCode,
            uptime_s = Math.Round(s.UptimeAt(DateTimeOffset.UtcNow).TotalSeconds, 3),
            started_at = s.StartedAt,
            pid = s.ProcessId,
            last_reason = s.LastReason,
        };
    }

    /// <summary>
    /// An external agent for <c>GET /api/agents</c>: the common fields, <c>kind: "external"</c>, whether it
    /// is connected, its counters over the run, and <c>process</c> when it is also supervised.
    /// </summary>
    private static object ExternalJson(ExternalAgent agent, AgentSupervisor? supervisor)
    {
        GatewayAgentCounters c = agent.Gateway.Counters;
        return new
        {
            name = agent.Name,
            methods = agent.Methods.Order(StringComparer.Ordinal),
            last_heartbeat = agent.Gateway.LastHeartbeat,
            process = SupervisedProcessJson(supervisor, agent.Name),
            kind = ExternalAgent.Kind,
            connected = agent.Connected,
            version = agent.Gateway.Version,
            counters = new
            {
                market_data_sent = c.MarketDataSent,
                market_data_dropped = c.MarketDataDropped,
                signals = c.Signals,
                order_updates = c.OrderUpdates,
                fills = c.Fills,
                queue_full_disconnects = c.QueueFullDisconnects,
                requests = c.Requests,
                connections = c.Connections,
            },
        };
    }

    /// <summary>Supervised agents the router does not list (yet): not connected since the daemon started.</summary>
    private static IEnumerable<string> NotRoutedSupervised(AgentHost agents) =>
        agents.Supervisor is { } supervisor
            ? supervisor.Statuses.Select(s => s.Name).Where(n => !agents.Router.Agents.Any(a => string.Equals(a.Name, n, StringComparison.Ordinal)))
            : [];

    private static IResult AgentJson(JsonNode node, int status) => Results.Text(node.ToJsonString(s_json), "application/json", Encoding.UTF8, status);

    private static int StatusFor(string? errorCode) => errorCode switch
    {
        AgentErrors.UnknownAgent or AgentErrors.UnknownMethod => StatusCodes.Status404NotFound,
        AgentErrors.InvalidParams => StatusCodes.Status400BadRequest,
        AgentErrors.Timeout => StatusCodes.Status504GatewayTimeout,
        AgentErrors.Unavailable => StatusCodes.Status503ServiceUnavailable,
        AgentErrors.Canceled => 499,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static object DisplayJson(DisplayConfig d) => new { enabled = d.Enabled, mode = d.Mode, refresh_interval_ms = d.RefreshInterval.TotalMilliseconds };

    /// <summary>413 for a body over <see cref="MaxBodyBytes"/>: at once when its length is declared, else when reading passes it.</summary>
    private static async Task LimitBodyAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            await TooLargeAsync(context).ConfigureAwait(false);
            return;
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await TooLargeAsync(context).ConfigureAwait(false);
        }
    }

    private static Task TooLargeAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        return context.Response.WriteAsJsonAsync(new { errors = new[] { $"control API: request body larger than {MaxBodyBytes} bytes" } }, s_json);
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
