using System.Net.Http.Headers;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Control;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine.Audit;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// The set-up the control-API tests share: a running paper session, the control API on a loopback
/// port, and an HTTP client that sends its bearer token; with the in-process agents when asked.
/// </summary>
internal sealed class ControlApiRig : IAsyncDisposable
{
    private ControlApiRig(TradingSession session, AgentHost? agents, ControlApi api)
    {
        Session = session;
        Agents = agents;
        Api = api;
        Http = new HttpClient { BaseAddress = api.BaseAddress };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    /// <summary>The control API's bearer token.</summary>
    public const string Token = "test-token";

    public TradingSession Session { get; }

    /// <summary>The in-process agents (null unless started with them).</summary>
    public AgentHost? Agents { get; }

    public ControlApi Api { get; }

    public HttpClient Http { get; }

    /// <summary>Starts a session on <paramref name="options"/> and the API over it (with the agents, 20 ms snapshots and 1 s bars, when <paramref name="withAgents"/>).</summary>
    public static async Task<ControlApiRig> StartAsync(SessionOptions options, bool withAgents)
    {
        var session = new TradingSession(options, NullAuditWriter.Instance);
        session.Start("test");
        AgentHost? agents = withAgents ? AgentHost.Start(session, new AgentSettings { SnapshotInterval = TimeSpan.FromMilliseconds(20), BarLength = TimeSpan.FromSeconds(1) }, null, null) : null;
        var secret = new Secret(Token, "test");
        ControlApi api = agents is null
            ? await ControlApi.StartAsync(session, secret, 0, CancellationToken.None)
            : await ControlApi.StartAsync(session, agents, secret, 0, CancellationToken.None);
        return new ControlApiRig(session, agents, api);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Api.DisposeAsync();
        if (Agents is not null)
        {
            await Agents.DisposeAsync();
        }

        Session.Stop();
        Session.Dispose();
    }
}
