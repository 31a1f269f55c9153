using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Orchestrator.Daemon.Control;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Daemon.Tests;

/// <summary>The control API over real HTTP on loopback, against a running session.</summary>
public sealed class ControlApiTests : IAsyncLifetime
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

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Requests_WithoutTheRightToken_Get401_AndChangeNothing()
    {
        using var anonymous = new HttpClient { BaseAddress = Http.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/status", UriKind.Relative))).StatusCode);

        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-token");
        HttpResponseMessage put = await anonymous.PutAsync(new Uri("/api/risk", UriKind.Relative), Json("{\"min_confidence\": 0.99}"));
        Assert.Equal(HttpStatusCode.Unauthorized, put.StatusCode);
        HttpResponseMessage kill = await anonymous.PostAsync(new Uri("/api/kill-switch/engage", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Unauthorized, kill.StatusCode);

        Assert.Equal(0, Session.Engine.Risk.AppliedParametersVersion);
        Assert.Equal(0.6m, Session.CurrentRiskParameters.Risk.MinConfidence);
        Assert.False(Session.Engine.Risk.KillSwitchEngaged);
    }

    [Fact]
    public async Task Status_Positions_Orders_AreServed()
    {
        using JsonDocument status = JsonDocument.Parse(await Http.GetStringAsync(new Uri("/api/status", UriKind.Relative)));
        Assert.Equal("running", status.RootElement.GetProperty("state").GetString());
        Assert.False(status.RootElement.GetProperty("kill_switch").GetBoolean());

        using JsonDocument positions = JsonDocument.Parse(await Http.GetStringAsync(new Uri("/api/positions", UriKind.Relative)));
        Assert.Equal(JsonValueKind.Array, positions.RootElement.ValueKind);
        using JsonDocument orders = JsonDocument.Parse(await Http.GetStringAsync(new Uri("/api/orders", UriKind.Relative)));
        Assert.Equal(JsonValueKind.Array, orders.RootElement.ValueKind);
    }

    [Fact]
    public async Task RiskUpdate_Valid_IsAppliedByTheEngine_Invalid_Is400WithTheValidationText()
    {
        HttpResponseMessage bad = await Http.PutAsync(new Uri("/api/risk", UriKind.Relative), Json("{\"max_daily_loss\": 3}"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("control API:1:", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("max_daily_loss: must be between 0 and 1, got 3", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        HttpResponseMessage malformed = await Http.PutAsync(new Uri("/api/risk", UriKind.Relative), Json("{\"min_confidence\": "));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        HttpResponseMessage unknown = await Http.PutAsync(new Uri("/api/risk", UriKind.Relative), Json("{\"max_leverage\": 2}"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(0, Session.Engine.Risk.AppliedParametersVersion);

        HttpResponseMessage good = await Http.PutAsync(new Uri("/api/risk", UriKind.Relative), Json("{\"min_confidence\": 0.9, \"sizing\": {\"lot_size\": 5}}"));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal(1, Session.Engine.Risk.AppliedParametersVersion); // in force when the call returns

        using JsonDocument risk = JsonDocument.Parse(await Http.GetStringAsync(new Uri("/api/risk", UriKind.Relative)));
        Assert.Equal(0.9m, risk.RootElement.GetProperty("min_confidence").GetDecimal());
        Assert.Equal(5, risk.RootElement.GetProperty("sizing").GetProperty("lot_size").GetInt64());
        Assert.Equal(0.02m, risk.RootElement.GetProperty("max_daily_loss").GetDecimal()); // untouched keys keep their values
    }

    /// <summary>Issue 15 item 29: GET answers risk_management.yaml's keys, and PUT takes that body back unchanged.</summary>
    [Fact]
    public async Task RiskGet_ThenPutTheSameBody_IsApplied_AndChangesNothing()
    {
        Assert.Equal(HttpStatusCode.OK, (await Http.PutAsync(new Uri("/api/risk", UriKind.Relative), Json("{\"allowed_symbols\": [\"AAPL\"], \"duplicate_window\": \"1500ms\", \"session\": {\"start_utc\": \"13:30\"}, \"sizing\": {\"method\": \"volatility\"}}"))).StatusCode);
        string before = await Http.GetStringAsync(new Uri("/api/risk", UriKind.Relative));
        Engine.Options.RiskParameters parameters = Session.CurrentRiskParameters;

        HttpResponseMessage put = await Http.PutAsync(new Uri("/api/risk", UriKind.Relative), Json(before));

        string body = await put.Content.ReadAsStringAsync();
        Assert.True(put.StatusCode == HttpStatusCode.OK, body);
        using (JsonDocument answer = JsonDocument.Parse(body))
        {
            Assert.True(answer.RootElement.GetProperty("applied").GetBoolean());
        }

        Assert.Equal(before, await Http.GetStringAsync(new Uri("/api/risk", UriKind.Relative)));
        Assert.Equal(parameters.Risk with { AllowedSymbols = [] }, Session.CurrentRiskParameters.Risk with { AllowedSymbols = [] });
        Assert.Equal(parameters.Risk.AllowedSymbols, Session.CurrentRiskParameters.Risk.AllowedSymbols);
        Assert.Equal(parameters.Sizing, Session.CurrentRiskParameters.Sizing);
        Assert.Equal(parameters.Exits, Session.CurrentRiskParameters.Exits);
    }

    /// <summary>
    /// Issue 15 item 29: the README's own PUT /api/risk example applies, changes what it names, and
    /// keeps the built-in rules trading (their signals carry rules.confidence, which must not fall
    /// below the example's min_confidence, or every one of them would be refused).
    /// </summary>
    [Fact]
    public async Task ReadmeRiskExample_IsApplied_AndDoesNotSilenceTheBuiltInRules()
    {
        string readme = await File.ReadAllTextAsync(Path.Combine(Logging.LoggingSetupTests.RepoRoot(), "README.md"));
        System.Text.RegularExpressions.Match row = System.Text.RegularExpressions.Regex.Match(readme, @"^\| `GET /api/risk`, `PUT /api/risk` \|.*?e\.g\. `(\{.*?\})`", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(row.Success, "README: the /api/risk row with its example");
        string example = row.Groups[1].Value;

        HttpResponseMessage put = await Http.PutAsync(new Uri("/api/risk", UriKind.Relative), Json(example));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using JsonDocument sent = JsonDocument.Parse(example);
        using JsonDocument risk = JsonDocument.Parse(await Http.GetStringAsync(new Uri("/api/risk", UriKind.Relative)));
        foreach (JsonProperty key in sent.RootElement.EnumerateObject())
        {
            JsonElement now = risk.RootElement.GetProperty(key.Name);
            if (key.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty inner in key.Value.EnumerateObject())
                {
                    Assert.Equal(inner.Value.GetRawText(), now.GetProperty(inner.Name).GetRawText());
                }
            }
            else
            {
                Assert.Equal(key.Value.GetRawText(), now.GetRawText());
            }
        }

        Assert.True(Session.CurrentRiskParameters.Risk.MinConfidence <= new Engine.Options.RuleOptions().RuleConfidence, "the README example would refuse every built-in rule signal");
    }

    [Fact]
    public async Task DisplayConfig_IsValidated()
    {
        HttpResponseMessage good = await Http.PutAsync(new Uri("/api/display", UriKind.Relative), Json("{\"mode\": \"compact\", \"refresh_interval_ms\": 500}"));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal("compact", Session.Display.Mode);

        HttpResponseMessage bad = await Http.PutAsync(new Uri("/api/display", UriKind.Relative), Json("{\"mode\": \"tiny\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("mode: must be full or compact, got 'tiny'", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        HttpResponseMessage wrongType = await Http.PutAsync(new Uri("/api/display", UriKind.Relative), Json("{\"enabled\": \"yes please\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Equal("compact", Session.Display.Mode);
    }

    [Fact]
    public async Task KillSwitch_EngagesAndReleases()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await Http.PostAsync(new Uri("/api/kill-switch/engage?flatten=true", UriKind.Relative), null)).StatusCode);
        Assert.True(SpinWait.SpinUntil(() => Session.Engine.Risk.KillSwitchEngaged, s_hang));
        Assert.Equal(HttpStatusCode.Accepted, (await Http.PostAsync(new Uri("/api/kill-switch/release", UriKind.Relative), null)).StatusCode);
        Assert.True(SpinWait.SpinUntil(() => !Session.Engine.Risk.KillSwitchEngaged, s_hang));
    }

    /// <summary>Issue 15 item 23: a body over 64 KiB is 413 and changes nothing — declared or streamed without a length.</summary>
    [Theory]
    [InlineData("/api/risk", true)]
    [InlineData("/api/risk", false)]
    [InlineData("/api/display", true)]
    [InlineData("/api/display", false)]
    public async Task Body_Over64KiB_Is413_AndChangesNothing(string path, bool declaredLength)
    {
        string body = "{\"min_confidence\": 0.9, \"pad\": \"" + new string('x', ControlApi.MaxBodyBytes) + "\"}";
        using HttpContent content = declaredLength ? Json(body) : new StreamContent(new ChunkedStream(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        HttpResponseMessage response = await Http.PutAsync(new Uri(path, UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("request body larger than 65536 bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, Session.Engine.Risk.AppliedParametersVersion);
        Assert.Equal("full", Session.Display.Mode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(new Uri("/api/status", UriKind.Relative))).StatusCode); // the API goes on
    }

    [Fact]
    public async Task Body_JustUnderTheCap_IsRead()
    {
        string body = "{\"min_confidence\": 0.9}" + new string(' ', ControlApi.MaxBodyBytes - 30);

        HttpResponseMessage response = await Http.PutAsync(new Uri("/api/risk", UriKind.Relative), Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, Session.Engine.Risk.AppliedParametersVersion);
    }

    /// <summary>Issue 15 item 24: tokens of every length near the right one are refused; only the right one passes.</summary>
    [Theory]
    [InlineData("")]
    [InlineData("t")]
    [InlineData("test-toke")]
    [InlineData("test-tokeN")]
    [InlineData("test-token-and-more")]
    public async Task WrongTokenOfAnyLength_Is401(string token)
    {
        using var client = new HttpClient { BaseAddress = Http.BaseAddress };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + token);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/api/status", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(new Uri("/api/status", UriKind.Relative))).StatusCode);
    }

    /// <summary>A body sent in pieces with no Content-Length (chunked transfer encoding).</summary>
    private sealed class ChunkedStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
