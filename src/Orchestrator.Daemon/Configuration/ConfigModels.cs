using Orchestrator.Adapters.Venues;
using Orchestrator.Engine.Options;

namespace Orchestrator.Daemon.Configuration;

/// <summary>A KIS account as <c>myStockInfo.yaml</c> describes it (REAL_* or VIRTUAL_* keys).</summary>
public sealed record KisAccount(Secret? AppKey, Secret? AppSecret, string? AccountNumber, string? ProductCode, string? Url, string? WebSocketUrl);

/// <summary>A watch-list entry; the start price and volatility feed the synthetic market.</summary>
public sealed record WatchItem(string Symbol, decimal StartPrice, double Volatility);

/// <summary><c>myStockInfo.yaml</c>: account and broker identity.</summary>
public sealed record AccountConfig
{
    /// <summary>REAL or VIRTUAL: which of the KIS accounts is live.</summary>
    public string TradingMode { get; init; } = "VIRTUAL";

    public string BaseCurrency { get; init; } = "USD";

    public decimal StartingCash { get; init; } = 100_000m;

    public IReadOnlyList<WatchItem> WatchList { get; init; } = [];

    public KisAccount? Real { get; init; }

    public KisAccount? Virtual { get; init; }

    /// <summary>Keys the file holds that this project does not use (kept, ignored).</summary>
    public IReadOnlyList<string> IgnoredKeys { get; init; } = [];

    public KisAccount? Active => TradingMode == "REAL" ? Real : Virtual;
}

/// <summary><c>config/broker_config.yaml</c>: which broker adapter and how to talk to it.</summary>
public sealed record BrokerConfig
{
    /// <summary>paper (default), kis or alpaca.</summary>
    public string Adapter { get; init; } = "paper";

    public long PaperSlippageBps { get; init; } = 5;

    public long PaperCommissionBps { get; init; } = 1;

    public decimal PaperMinimumCommission { get; init; }

    /// <summary>How the gateway calls a real venue: timeouts, retries, breaker, rate limit, polling.</summary>
    public VenueGatewayOptions Gateway { get; init; } = new();

    /// <summary>KIS REST base address (overrides the account's REAL_/VIRTUAL_URL; e.g. the local simulator).</summary>
    public Uri? KisRestUrl { get; init; }

    /// <summary>KIS WebSocket address (overrides REAL_/VIRTUAL_WEBSOCKET_URL).</summary>
    public Uri? KisWebSocketUrl { get; init; }

    /// <summary>HTS id: the key KIS execution notices (H0STCNI0) are subscribed with; none = fills by polling only.</summary>
    public string? KisHtsId { get; init; }

    /// <summary><c>kis.overseas_exchanges</c>: US symbol → NASD, NYSE or AMEX (symbols left out: NASD).</summary>
    public IReadOnlyDictionary<string, string> KisOverseasExchanges { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    /// <summary><c>kis.overseas_collar</c>: how far through the last price a US market order's limit goes (0.005 = 0.5%).</summary>
    public decimal KisOverseasCollar { get; init; } = 0.005m;

    /// <summary><c>kis.requests_per_second</c>: REST requests in any 1 s window; null = KIS's limit for the mode (20 REAL, 2 VIRTUAL).</summary>
    public int? KisRequestsPerSecond { get; init; }

    /// <summary><c>kis.token_cache_dir</c>: where the access token is kept between runs; null = $XDG_CACHE_HOME/orchestrator (~/.cache/orchestrator).</summary>
    public string? KisTokenCacheDirectory { get; init; }

    public Uri AlpacaTradingUrl { get; init; } = new("https://paper-api.alpaca.markets/");

    public Uri AlpacaTradingStreamUrl { get; init; } = new("wss://paper-api.alpaca.markets/stream");

    public Uri AlpacaDataUrl { get; init; } = new("wss://stream.data.alpaca.markets/v2/iex");

    /// <summary>
    /// <c>alpaca.exits</c> (issue 19): <c>venue</c> (default) sends an order group's take-profit and stop-loss with its entry as
    /// Alpaca's bracket/oto, so Alpaca holds them while the daemon is down; <c>engine</c> holds them in the engine, as at KIS.
    /// </summary>
    public string AlpacaExits { get; init; } = "venue";

    /// <summary>Where market data comes from with a real broker: venue (its own stream) or synthetic.</summary>
    public string MarketData { get; init; } = "venue";
}

/// <summary><c>config/api_credentials.yaml</c> plus environment overrides. Values are <see cref="Secret"/>s.</summary>
public sealed record CredentialsConfig
{
    public Secret? KisAppKey { get; init; }

    public Secret? KisAppSecret { get; init; }

    public Secret? AlpacaKeyId { get; init; }

    public Secret? AlpacaSecretKey { get; init; }

    public Secret? ControlApiToken { get; init; }

    /// <summary><c>mcp.token</c>: the bearer token of the MCP server over HTTP.</summary>
    public Secret? McpToken { get; init; }
    /// <summary><c>gateway.token</c>: the signal gateway's token, when <c>gateway.auth</c> is on.</summary>
    public Secret? GatewayToken { get; init; }

    public Secret? LlmApiKey { get; init; }

    /// <summary><c>alerts.webhook_url</c>: the generic (Slack/Discord) webhook; its path holds a token.</summary>
    public Secret? AlertWebhookUrl { get; init; }

    /// <summary><c>alerts.telegram_bot_token</c>.</summary>
    public Secret? TelegramBotToken { get; init; }
}

/// <summary>
/// One agent's model in <c>config/agent_model.yaml</c> (issue 18 contract; every key is read and
/// checked by <see cref="ConfigLoader"/>). The entry named <c>strategy_agent</c> configures the
/// built-in router agent (daemon.yaml <c>agents.strategy_agent.mode: llm</c>); every other entry is an
/// LLM agent of its own: <see cref="Role"/> <c>strategy</c> trades <see cref="Symbols"/> on
/// <see cref="OnBarClose"/> or every <see cref="Interval"/> (event time), <c>orchestrator</c> answers tasks.
/// </summary>
/// <param name="Provider"><c>anthropic</c>, <c>openai</c> or <c>openai_compatible</c> (<see cref="LlmProviders"/>).</param>
/// <param name="Model">Model id sent with each request.</param>
/// <param name="Endpoint">Base URL of the API (required for openai_compatible; the provider's own when null).</param>
/// <param name="Temperature">0..2.</param>
/// <param name="Timeout">Per model call.</param>
public sealed record AgentModel(string Provider, string Model, string? Endpoint, decimal Temperature, TimeSpan Timeout)
{
    /// <summary><c>max_tokens</c>: limit on the answer's length; null = the provider's default (anthropic needs one: 1024 then).</summary>
    public int? MaxTokens { get; init; }

    /// <summary><c>response_format</c>: <c>json</c> (true, default) asks the server for a JSON object; <c>text</c> does not.</summary>
    public bool JsonResponseFormat { get; init; } = true;

    /// <summary><c>bars_in_prompt</c>: bars per symbol shown to the model.</summary>
    public int BarsInPrompt { get; init; } = 20;

    /// <summary><c>max_signals</c>: most signals one answer may hold.</summary>
    public int MaxSignals { get; init; } = 10;

    /// <summary><c>prompt_file</c>, resolved to an absolute path (relative to the config directory); null = the built-in prompt.</summary>
    public string? PromptFile { get; init; }

    /// <summary>The text of <see cref="PromptFile"/>, read when the configuration is loaded (the user's own system prompt).</summary>
    public string? Prompt { get; init; }

    /// <summary><c>symbols</c>: engine symbols the agent trades (role strategy; at least one).</summary>
    public IReadOnlyList<string> Symbols { get; init; } = [];

    /// <summary><c>interval</c>: run every this long in event time; null when <see cref="OnBarClose"/> is set.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary><c>on: bar_close(5m)</c>: run when a bar of this length closes; null when <see cref="Interval"/> is set.</summary>
    public Orchestrator.Strategies.Timeframe? OnBarClose { get; init; }

    /// <summary><c>role</c>: <see cref="LlmRoles.Strategy"/> (default) or <see cref="LlmRoles.Orchestrator"/>.</summary>
    public string Role { get; init; } = LlmRoles.Strategy;

    /// <summary><c>api_key_env</c>: the environment variable holding this agent's key; null = credentials.yaml <c>llm.api_key</c>.</summary>
    public string? ApiKeyEnv { get; init; }

    /// <summary><c>price_per_mtok_input</c>: the user's price of a million input tokens (any currency unit), for the cost estimate; null = no estimate.</summary>
    public decimal? InputPricePerMillionTokens { get; init; }

    /// <summary><c>price_per_mtok_output</c>: as <see cref="InputPricePerMillionTokens"/> for output tokens.</summary>
    public decimal? OutputPricePerMillionTokens { get; init; }

    /// <summary><c>max_steps</c> (role orchestrator): most model round trips (tool-call rounds) one task may take.</summary>
    public int MaxSteps { get; init; } = 8;

    /// <summary><c>max_task_tokens</c> (role orchestrator): most input + output tokens one task may spend; the task stops when over.</summary>
    public int MaxTaskTokens { get; init; } = 50_000;

    /// <summary>The key this agent sends, resolved at load (never shown).</summary>
    public Secret? ApiKey { get; init; }
}

/// <summary>The values of agent_model.yaml <c>provider</c>.</summary>
public static class LlmProviders
{
    public const string Anthropic = "anthropic";
    public const string OpenAi = "openai";
    public const string OpenAiCompatible = "openai_compatible";
}

/// <summary>The values of agent_model.yaml <c>role</c>.</summary>
public static class LlmRoles
{
    public const string Strategy = "strategy";
    public const string Orchestrator = "orchestrator";
}

/// <summary><c>config/mcp_integration.yaml</c>.</summary>
public sealed record McpConfig
{
    public bool Enabled { get; init; }

    /// <summary>stdio or http.</summary>
    public string Transport { get; init; } = "stdio";

    public int HttpPort { get; init; } = 8765;

    public IReadOnlyList<string> Tools { get; init; } = McpTools.ReadOnly;

    public bool TradingToolsEnabled { get; init; }
}

/// <summary>
/// The MCP tools the server knows. <c>ask_orchestrator</c> is listed with the read-only ones: through
/// it a client gets no more than its own tools (a client without trading tools has its task run with
/// the orchestrator's read-only tools only), and it is offered only when an orchestrator agent runs.
/// </summary>
public static class McpTools
{
    public static IReadOnlyList<string> ReadOnly { get; } =
        ["get_portfolio", "get_positions", "get_open_orders", "get_recent_signals", "get_system_status", "get_technical_indicators", "run_backtest", "get_backtest_report", "ask_orchestrator"];

    /// <summary>Tools that act: they are listed only with trading_tools_enabled (send_agent_message too: an agent's method may act, e.g. an external agent may trade on it).</summary>
    public static IReadOnlyList<string> Trading { get; } = ["submit_signal", "send_agent_message", "engage_kill_switch"];
}

/// <summary><c>config/daemon.yaml</c>: the daemon's own surfaces — control API and display.</summary>
public sealed record DaemonSettings
{
    public bool ControlApiEnabled { get; init; }

    public int ControlApiPort { get; init; } = 8080;

    /// <summary>Serve <c>/metrics</c> and <c>/health</c> without the bearer token (for a scraper on this host).</summary>
    public bool MetricsUnauthenticated { get; init; }

    public bool DisplayEnabled { get; init; } = true;

    /// <summary>full or compact.</summary>
    public string DisplayMode { get; init; } = "full";

    public TimeSpan DisplayRefresh { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the one-line status goes to the log (what a headless run is watched by).</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The multi-agent system on the slow path.</summary>
    public AgentSettings Agents { get; init; } = new();

    /// <summary>Alert channels, de-dup and rate limit (<c>alerts:</c>).</summary>
    public AlertSettings Alerts { get; init; } = new();

    /// <summary>The TCP signal gateway (<c>gateway:</c>).</summary>
    public GatewaySettings Gateway { get; init; } = new();
}

/// <summary><c>daemon.yaml</c> <c>gateway:</c> — newline-delimited JSON signals over TCP on 127.0.0.1.</summary>
public sealed record GatewaySettings
{
    public bool Enabled { get; init; }

    public int Port { get; init; } = 7400;

    /// <summary>Require <c>auth &lt;token&gt;</c> first (token: <c>gateway.token</c> in api_credentials.yaml or ORCHESTRATOR_GATEWAY_TOKEN).</summary>
    public bool Auth { get; init; }

    public int MaxConnections { get; init; } = 16;

    public int MaxLineBytes { get; init; } = 4096;

    /// <summary>Lines per connection answered but not yet settled (a power of two).</summary>
    public int MaxInFlight { get; init; } = 1024;

    /// <summary>With auth on, a connection that has not authenticated within this is closed.</summary>
    public TimeSpan AuthTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A connection that sent no line for this long (nothing outstanding) is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Agent protocol: heartbeats to agents, and how often theirs are expected (<c>heartbeat_interval</c>).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Agent protocol: orders/fills/positions an agent may lag behind before it is disconnected (<c>agent_queue_size</c>, a power of two).</summary>
    public int AgentQueueSize { get; init; } = 2048;

    /// <summary>Agent protocol: orders/fills/positions kept per agent for replay (<c>agent_log_size</c>, a power of two ≥ 2 × agent_queue_size).</summary>
    public int AgentLogSize { get; init; } = 8192;

    /// <summary>Agent protocol: market-data events in the agents' shared ring (<c>market_data_ring_size</c>, a power of two).</summary>
    public int MarketDataRingSize { get; init; } = 1 << 16;
}

/// <summary><c>daemon.yaml</c> <c>agents:</c> — the slow-path multi-agent system.</summary>
public sealed record AgentSettings
{
    public bool Enabled { get; init; } = true;

    /// <summary>Threads of the slow pool; 0 = one fewer than the cores (at least one).</summary>
    public int SlowPoolThreads { get; init; }

    /// <summary>How often the engine publishes the account picture agents read.</summary>
    public TimeSpan SnapshotInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often the health monitor checks agents, links and the process.</summary>
    public TimeSpan HealthInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Bar length of the shared bar store (data_agent, strategy_agent).</summary>
    public TimeSpan BarLength { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>strategy_agent: rule (no network) or llm (model from agent_model.yaml).</summary>
    public string StrategyMode { get; init; } = "rule";

    /// <summary>How often strategy_agent.generate_signals runs by itself; zero = only when asked.</summary>
    public TimeSpan StrategyInterval { get; init; } = TimeSpan.Zero;

    /// <summary>A call to an agent without its own timeout ends after this long.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The bars file service_agent.run_backtest tests on (null = backtests unavailable to agents).</summary>
    public string? BacktestData { get; init; }

    /// <summary>
    /// Where LLM agents' transcripts go (issue 18): null = the default, <c>DATA/llm</c> (DATA = the
    /// <c>--journal</c> directory, else <c>--log-dir</c>); <c>off</c> = not recorded; else this directory.
    /// </summary>
    public string? LlmTranscripts { get; init; }

    /// <summary>Per-agent risk limits (<c>agents.limits</c>), by source name; carried into <see cref="Engine.Options.EngineOptions.AgentLimits"/>.</summary>
    public IReadOnlyList<Engine.Options.AgentLimit> Limits { get; init; } = [];

    /// <summary>Agent processes the daemon starts and supervises (<c>agents.processes</c>; ConfigLoader.AgentProcesses.cs).</summary>
    public IReadOnlyList<Orchestrator.Agents.Supervision.AgentProcessOptions> Processes { get; init; } = [];
}

/// <summary>Everything the daemon reads at start-up, validated.</summary>
public sealed record DaemonConfig
{
    public required AccountConfig Account { get; init; }

    /// <summary>Symbols, cash, risk, sizing, exits and rules for the engine.</summary>
    public required EngineOptions Engine { get; init; }

    public required BrokerConfig Broker { get; init; }

    public required CredentialsConfig Credentials { get; init; }

    public required IReadOnlyDictionary<string, AgentModel> Agents { get; init; }

    public required McpConfig Mcp { get; init; }

    public required DaemonSettings Daemon { get; init; }

    /// <summary><c>daemon.yaml</c> <c>strategies:</c>, loaded and checked (see ConfigLoader.Strategies.cs), then agent_model.yaml's role-strategy LLM agents (<see cref="LlmAgents"/>).</summary>
    public IReadOnlyList<StrategyDefinition> Strategies { get; init; } = [];

    /// <summary>agent_model.yaml's LLM agents with role strategy (<see cref="LlmAgentDefinitions"/>); each is among <see cref="Strategies"/> too.</summary>
    public IReadOnlyList<LlmAgentDefinition> LlmAgents { get; init; } = [];

    /// <summary>The files that were present and read.</summary>
    public required IReadOnlyList<string> FilesRead { get; init; }

    /// <summary>Things worth telling the operator that do not stop the start (e.g. a world-readable credentials file).</summary>
    public required IReadOnlyList<string> Warnings { get; init; }
}
