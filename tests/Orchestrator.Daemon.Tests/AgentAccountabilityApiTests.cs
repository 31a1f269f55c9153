using System.Net;
using System.Text.Json;
using Orchestrator.Core;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine.Ring;
using Orchestrator.Engine.State;

namespace Orchestrator.Daemon.Tests;

/// <summary><c>GET /api/agents/{name}</c> and the run report's <c>agents</c>, over real HTTP against a running paper session.</summary>
public sealed class AgentAccountabilityApiTests : IAsyncLifetime
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(60);
    private ControlApiRig? _rig;

    private TradingSession Session => _rig!.Session;

    private HttpClient Http => _rig!.Http;

    public async Task InitializeAsync() => _rig = await ControlApiRig.StartAsync(DaemonCli.BuildOptions(seed: 5, ticksPerSecond: 500, WaitStrategyKind.Blocking), withAgents: false);

    public async Task DisposeAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
    }

    [Fact]
    public async Task AgentThatTraded_IsServedWithItsFigures_AnUnknownOneIs404_AndTheRunReportListsIt()
    {
        TradingSession session = Session;
        session.AgentRestarts = name => name == "alpha" ? 2 : 0;
        await Waits.UntilAsync(() => session.LastEventTimeNs > 0 && session.Engine.Market.LastRaw(0) > 0, "market data", s_hang);
        session.Engine.PublishSignal(0, Side.Buy, 950_000, 0, 1, "alpha", "test", session.LastEventTimeNs);
        var copy = new AgentBookCopy();
        await Waits.UntilAsync(() => session.Engine.Agents.Read(copy) > 0 && copy.IndexOf("alpha") is int i and >= 0 && copy.Signals[i] == 1 && (copy.Fills[i] > 0 || copy.Rejects.Skip(i * AgentBook.ReasonCount).Take(AgentBook.ReasonCount).Sum() > 0), "alpha's signal decided", s_hang);
        int alpha = copy.IndexOf("alpha");
        if (copy.Fills[alpha] == 0)
        {
            Assert.Fail("the signal was refused: " + string.Join(", ", copy.FiguresOf(alpha, session.Engine.Symbols).Rejects.Keys));
        }

        using JsonDocument agent = JsonDocument.Parse(await Http.GetStringAsync(new Uri("/api/agents/alpha", UriKind.Relative)));
        JsonElement a = agent.RootElement;
        Assert.Equal("alpha", a.GetProperty("name").GetString());
        Assert.Equal("external", a.GetProperty("kind").GetString());
        Assert.Equal(1, a.GetProperty("signals").GetInt64());
        Assert.Equal(1, a.GetProperty("orders").GetInt64());
        Assert.True(a.GetProperty("fills").GetInt64() >= 1);
        Assert.Equal(2, a.GetProperty("restarts").GetInt32());
        JsonElement position = a.GetProperty("positions")[0];
        Assert.Equal(session.Engine.Symbols.GetName(0), position.GetProperty("symbol").GetString());
        Assert.True(position.GetProperty("quantity").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Array, a.GetProperty("open_orders").ValueKind);
        Assert.Equal(JsonValueKind.Object, a.GetProperty("rejects").ValueKind);

        HttpResponseMessage unknown = await Http.GetAsync(new Uri("/api/agents/nobody", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using JsonDocument error = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync());
        string message = error.RootElement.GetProperty("error").GetString()!;
        Assert.Contains("no agent 'nobody'", message, StringComparison.Ordinal);
        Assert.Contains("alpha", message, StringComparison.Ordinal);

        using JsonDocument report = JsonDocument.Parse(session.BuildReport().ToJson());
        JsonElement listed = report.RootElement.GetProperty("agents").EnumerateArray().Single(x => x.GetProperty("name").GetString() == "alpha");
        foreach (string field in new[] { "name", "kind", "signals", "orders", "fills", "rejects", "realized_pnl", "unrealized_pnl", "restarts" })
        {
            Assert.True(listed.TryGetProperty(field, out _), "the report's agent lacks " + field);
        }

        Assert.Equal(2, listed.GetProperty("restarts").GetInt32());
    }
}
