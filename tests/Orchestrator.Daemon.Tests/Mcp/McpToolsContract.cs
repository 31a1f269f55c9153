using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Orchestrator.Daemon.Tests.Mcp;

/// <summary>
/// Every tool, called by the SDK's MCP client against a real daemon; the same tests run over
/// stdio and over streamable HTTP (the derived classes pick the transport).
/// </summary>
public abstract class McpToolsContract<TFixture>(TFixture daemon)
    where TFixture : McpDaemonFixture
{
    protected TFixture Daemon { get; } = daemon;

    private static Dictionary<string, object?> Args(params (string Name, object? Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);

    [Fact]
    public async Task ToolsList_HasEveryConfiguredTool_WithDescriptionAndSchema()
    {
        using var guard = new CancellationTokenSource(McpDaemonFixture.HangGuard);
        IList<McpClientTool> tools = await Daemon.Client.ListToolsAsync(cancellationToken: guard.Token);
        Assert.Equal(
            ["engage_kill_switch", "get_backtest_report", "get_open_orders", "get_portfolio", "get_positions", "get_recent_signals", "get_system_status", "get_technical_indicators", "run_backtest", "send_agent_message", "submit_signal"],
            tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(tools, t => Assert.True(t.Description.Length > 40, t.Name + " needs a description an LLM can use"));
        JsonElement submit = tools.Single(t => t.Name == "submit_signal").JsonSchema;
        Assert.Equal(["symbol"], submit.GetProperty("required").EnumerateArray().Select(e => e.GetString())); // side and confidence: for new orders (amend/cancel name the order)
        Assert.Equal(["market", "limit", "stop", "stop_limit", "trailing_stop"], submit.GetProperty("properties").GetProperty("order_type").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["day", "gtc", "ioc", "fok", "opg", "cls"], submit.GetProperty("properties").GetProperty("tif").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["new", "amend", "cancel"], submit.GetProperty("properties").GetProperty("action").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        foreach (string exit in new[] { "take_profit", "take_profit_pct", "stop_loss", "stop_loss_pct", "trail_price", "trail_percent", "order_id" })
        {
            Assert.True(submit.GetProperty("properties").TryGetProperty(exit, out _), exit);
        }
        // Issue 19: shares, a fraction where the symbol has quantity_decimals (the publisher refuses one elsewhere).
        Assert.Equal("number", submit.GetProperty("properties").GetProperty("quantity").GetProperty("type").GetString());
        Assert.Equal(0, submit.GetProperty("properties").GetProperty("quantity").GetProperty("exclusiveMinimum").GetInt32());
    }

    [Fact]
    public async Task GetPortfolio_AnswersMoneyAsExactNumbers()
    {
        JsonElement portfolio = await Daemon.CallOkAsync("get_portfolio");
        Assert.Equal(100_000m, portfolio.GetProperty("starting_cash").GetDecimal());
        foreach (string key in new[] { "cash", "equity", "day_pnl", "total_pnl", "realized_pnl", "unrealized_pnl", "commission" })
        {
            Assert.Equal(JsonValueKind.Number, portfolio.GetProperty(key).ValueKind);
        }
    }

    [Fact]
    public async Task GetSystemStatus_ShowsEngineFeedsBrokerAndAgents()
    {
        JsonElement status = await Daemon.CallOkAsync("get_system_status");
        Assert.Equal("running", status.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.False, status.GetProperty("feed_failed").ValueKind);
        string[] components = [.. status.GetProperty("health").GetProperty("components").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];
        Assert.Contains("engine", components);
        Assert.Contains("market_data", components);
        Assert.Contains("broker", components);
        Assert.Contains("data_agent", status.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task GetTechnicalIndicators_ComputesFromTheLiveFeedsBars()
    {
        Dictionary<string, object?> args = Args(("symbol", "aapl"), ("indicators", new[] { "sma", "rsi" }), ("period", 3));
        JsonElement aapl;
        using (var guard = new CancellationTokenSource(McpDaemonFixture.HangGuard))
        {
            do
            {
                aapl = (await Daemon.CallOkAsync("get_technical_indicators", args)).GetProperty("AAPL");
                if (aapl.GetProperty("sma").ValueKind == JsonValueKind.Number)
                {
                    break;
                }

                await Task.Delay(50, guard.Token); // condition wait: bars accumulate from the feed
            }
            while (true);
        }

        Assert.True(aapl.GetProperty("sma").GetDouble() > 0);
        Assert.InRange(aapl.GetProperty("rsi").ValueKind == JsonValueKind.Number ? aapl.GetProperty("rsi").GetDouble() : 50, 0, 100);
    }

    /// <summary>Issue 18: the brief's own arguments work, and the answer is the summary (not every trade) with the full report's id.</summary>
    [Fact]
    public async Task RunBacktest_WithTheBriefsArguments_ReturnsTheSummaryMetrics_AndAReportId()
    {
        JsonElement summary = await Daemon.CallOkAsync("run_backtest",
            Args(("strategy", "momentum_strategy"), ("symbols", new[] { "AAPL" }), ("start_date", "2024-01-02"), ("end_date", "2024-01-02")));
        foreach (string key in new[] { "total_return", "sharpe", "max_drawdown", "trade_count", "trades_in_full_report", "report_id" })
        {
            Assert.True(summary.TryGetProperty(key, out _), key + " in " + summary);
        }

        Assert.False(summary.TryGetProperty("trades", out _), "the summary leaves the trades to the full report: " + summary);
        Assert.StartsWith("bt-", summary.GetProperty("report_id").GetString(), StringComparison.Ordinal);
        Assert.True(summary.GetProperty("events").GetInt64() >= 390, "one day of AAPL minute bars");
    }

    [Theory]
    [InlineData("get_portfolio", """{"verbose":true}""", "verbose: this tool takes no arguments")]
    [InlineData("get_recent_signals", """{"limit":0}""", "limit: must be between 1 and 32")]
    [InlineData("get_recent_signals", """{"limit":"ten"}""", "limit: must be a whole number")]
    [InlineData("get_technical_indicators", """{}""", "symbol: required")]
    [InlineData("get_technical_indicators", """{"symbol":"TSLA"}""", "not traded here")]
    [InlineData("get_technical_indicators", """{"symbol":"AAPL","period":1}""", "period: must be between 2 and 500")]
    [InlineData("run_backtest", """{"strategy":"momentum","symbols":["AAPL"],"start_date":"2024-01-03","end_date":"2024-01-02"}""", "end_date")]
    [InlineData("run_backtest", """{"strategy":"moonshot","symbols":["AAPL"],"start_date":"2024-01-02","end_date":"2024-01-02"}""", "strategy: expected momentum")]
    [InlineData("run_backtest", """{"strategy":"momentum","symbols":["AAPL"],"start_date":"2000-01-01","end_date":"2024-01-02"}""", "end_date: at most 3660 days")]
    [InlineData("submit_signal", """{"symbol":"AAPL","side":"HOLD","confidence":0.5}""", "side: must be BUY or SELL")]
    [InlineData("submit_signal", """{"symbol":"AAPL","side":"BUY","confidence":1.5}""", "confidence: must be between 0 and 1")]
    [InlineData("submit_signal", """{"symbol":"TSLA","side":"BUY","confidence":0.5}""", "symbol: 'TSLA' is not traded here")]
    [InlineData("submit_signal", """{"symbol":"AAPL","side":"BUY","confidence":"high"}""", "confidence: must be a number")]
    [InlineData("submit_signal", """{"symbol":"AAPL","side":"BUY","confidence":0.5,"price":-1}""", "price: must be between 0")]
    [InlineData("submit_signal", """{"symbol":"AAPL","side":"BUY"}""", "confidence: required")]
    [InlineData("submit_signal", """{"symbol":"AAPL","side":"BUY","confidence":0.5,"order_type":"stop"}""", "stop_price: required for order_type stop")]
    [InlineData("submit_signal", """{"symbol":"AAPL","side":"BUY","confidence":0.5,"order_type":"trailing"}""", "order_type: must be market, limit, stop, stop_limit or trailing_stop")]
    [InlineData("submit_signal", """{"symbol":"AAPL","side":"BUY","confidence":0.5,"order_type":"market","limit_price":100}""", "limit_price: not allowed")]
    [InlineData("submit_signal", """{"symbol":"AAPL","side":"BUY","confidence":0.5,"price":100,"limit_price":100}""", "limit_price: give price or limit_price, not both")]
    [InlineData("submit_signal", """{"symbol":"AAPL","side":"BUY","confidence":0.5,"tif":"week"}""", "tif: must be day, gtc, ioc, fok, opg or cls")]
    [InlineData("submit_signal", """{"symbol":"AAPL","side":"BUY","confidence":0.5,"quantity":2.5}""", "quantity: must be an integer")]
    [InlineData("submit_signal", """{"symbol":"AAPL","side":"BUY","confidence":0.5,"source":"sma_agent"}""", "source: not an argument of this tool")] // MCP signals are always "mcp"
    [InlineData("submit_signal", """{"symbol":"AAPL","side":"BUY","confidence":0.5,"limit_price":100,"stop_loss":101}""", "signal refused: stop_loss: must be below the entry's limit (or stop) price for a buy")]
    [InlineData("submit_signal", """{"symbol":"AAPL","action":"cancel"}""", "signal refused: order_id: required for action amend and cancel")]
    [InlineData("submit_signal", """{"symbol":"AAPL","action":"undo","order_id":"5"}""", "action: must be new, amend or cancel")]
    [InlineData("send_agent_message", """{"method":"get_state"}""", "agent: required")]
    [InlineData("send_agent_message", """{"agent":"data_agent"}""", "method: required")]
    [InlineData("send_agent_message", """{"agent":"nobody","method":"get_state"}""", "unknown_agent: no agent named 'nobody'; known: data_agent")]
    [InlineData("send_agent_message", """{"agent":"data_agent","method":"fly"}""", "unknown_method: data_agent has no method 'fly'; it has: ")]
    [InlineData("send_agent_message", """{"agent":"data_agent","method":"get_technical_indicators","params":[1]}""", "params: must be a JSON object, got array")]
    [InlineData("send_agent_message", """{"agent":"data_agent","method":"get_technical_indicators","target_agent":"x"}""", "target_agent: not an argument of this tool")]
    [InlineData("engage_kill_switch", """{"flatten":true}""", "reason: required")]
    [InlineData("engage_kill_switch", """{"reason":"x","flatten":"yes"}""", "flatten: must be true or false")]
    public async Task InvalidInput_IsAToolError_AndTheSessionGoesOn(string tool, string argumentsJson, string expected)
    {
        Dictionary<string, object?> args = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argumentsJson)!.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal);
        CallToolResult result = await Daemon.CallAsync(tool, args);
        Assert.True(result.IsError, tool + " should refuse " + argumentsJson + ", answered " + McpDaemonFixture.Text(result));
        Assert.Contains(expected, McpDaemonFixture.Text(result), StringComparison.Ordinal);
        Assert.Equal("running", (await Daemon.CallOkAsync("get_system_status")).GetProperty("state").GetString()); // the session and the daemon carry on
    }

    [Fact]
    public async Task UnknownTool_IsAProtocolError()
    {
        McpProtocolException error = await Assert.ThrowsAsync<McpProtocolException>(() => Daemon.CallAsync("launch_rockets"));
        Assert.Contains("unknown tool 'launch_rockets'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryCall_IsAuditedAsAStructuredJsonLogLine()
    {
        string marker = "audit-" + Guid.NewGuid().ToString("N")[..8];
        CallToolResult refused = await Daemon.CallAsync("get_technical_indicators", Args(("symbol", marker)));
        Assert.True(refused.IsError);

        JsonElement? line = null;
        using (var guard = new CancellationTokenSource(McpDaemonFixture.HangGuard))
        {
            while ((line = FindAuditLine(marker)) is null)
            {
                await Task.Delay(20, guard.Token); // condition wait: NLog writes the file on its own time
            }
        }

        JsonElement audit = line.Value;
        Assert.Equal("get_technical_indicators", audit.GetProperty("tool").GetString());
        Assert.Equal(Daemon.Transport, audit.GetProperty("transport").GetString());
        Assert.Equal("error", audit.GetProperty("outcome").GetString());
        Assert.True(audit.GetProperty("duration_ms").GetDouble() >= 0);
        Assert.DoesNotContain(McpTestConfig.Token, File.ReadAllText(Daemon.JsonLog.Replace(".jsonl", ".log", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    /// <summary>
    /// submit_signal reaches the engine (its fate shows in recent signals, the paper fill in
    /// positions), then engage_kill_switch engages it (status) and the next signal is refused by risk.
    /// </summary>
    [Fact]
    public async Task TradingTools_SubmitSignalReachesTheEngine_AndTheKillSwitchStopsTrading()
    {
        JsonElement accepted = await Daemon.CallOkAsync("submit_signal",
            Args(("symbol", "AAPL"), ("side", "BUY"), ("confidence", 0.9m), ("reason", "contract test"), ("id", "t-1"), ("order_type", "MARKET"), ("tif", "day"), ("quantity", 3)));
        Assert.True(accepted.GetProperty("accepted").GetBoolean());
        Assert.True(accepted.GetProperty("sequence").GetInt64() >= 0);
        Assert.True(accepted.GetProperty("signal_id").GetInt64() > Core.SignalLimits.AgentSignalIdBase);
        Assert.Equal("t-1", accepted.GetProperty("id").GetString());

        JsonElement first = await WaitForMcpSignalAsync(0, s => s.GetProperty("fate").GetString() is "filled");
        Assert.Equal("BUY", first.GetProperty("side").GetString());
        JsonElement position = await WaitAsync("get_positions", p => p.EnumerateArray().Any(x => x.GetProperty("symbol").GetString() == "AAPL" && x.GetProperty("quantity").GetInt64() > 0));
        Assert.NotEqual(JsonValueKind.Undefined, position.ValueKind);
        Assert.InRange(position.EnumerateArray().Single(x => x.GetProperty("symbol").GetString() == "AAPL").GetProperty("quantity").GetInt64(), 1, 3); // at most the quantity asked for
        Assert.Equal(JsonValueKind.Array, (await Daemon.CallOkAsync("get_open_orders")).ValueKind);

        JsonElement engaged = await Daemon.CallOkAsync("engage_kill_switch", Args(("reason", "contract test")));
        Assert.Equal("engaged", engaged.GetProperty("kill_switch").GetString());
        Assert.True((await Daemon.CallOkAsync("get_system_status")).GetProperty("kill_switch").GetBoolean());

        await Daemon.CallOkAsync("submit_signal", Args(("symbol", "AAPL"), ("side", "BUY"), ("confidence", 0.9m)));
        JsonElement refused = await WaitForMcpSignalAsync(1, s => s.GetProperty("fate").GetString() == "rejected");
        Assert.Contains("Kill", refused.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The <paramref name="index"/>-th MCP signal (oldest first) once <paramref name="settled"/>.</summary>
    private async Task<JsonElement> WaitForMcpSignalAsync(int index, Func<JsonElement, bool> settled)
    {
        using var guard = new CancellationTokenSource(McpDaemonFixture.HangGuard);
        while (true)
        {
            JsonElement recent = await Daemon.CallOkAsync("get_recent_signals", Args(("limit", 32)));
            JsonElement[] mcp = [.. recent.GetProperty("signals").EnumerateArray().Where(s => s.GetProperty("source").GetString() == "mcp").Reverse()];
            if (mcp.Length > index && settled(mcp[index]))
            {
                return mcp[index];
            }

            await Task.Delay(20, guard.Token); // condition wait: risk, the order and the paper fill run on their own threads
        }
    }

    private async Task<JsonElement> WaitAsync(string tool, Func<JsonElement, bool> done)
    {
        using var guard = new CancellationTokenSource(McpDaemonFixture.HangGuard);
        while (true)
        {
            JsonElement answer = await Daemon.CallOkAsync(tool);
            if (done(answer))
            {
                return answer;
            }

            await Task.Delay(20, guard.Token); // condition wait under the hang guard
        }
    }

    private JsonElement? FindAuditLine(string marker)
    {
        if (!File.Exists(Daemon.JsonLog))
        {
            return null;
        }

        using var stream = new FileStream(Daemon.JsonLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } text)
        {
            if (text.Contains(marker, StringComparison.Ordinal) && text.Contains("\"event\":\"mcp_tool_call\"", StringComparison.Ordinal))
            {
                return JsonDocument.Parse(text).RootElement.Clone();
            }
        }

        return null;
    }
}
