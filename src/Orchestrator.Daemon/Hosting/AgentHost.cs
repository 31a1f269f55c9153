using System.Globalization;
using NLog;
using Microsoft.Extensions.AI;
using Orchestrator.Adapters.SignalGateway;
using Orchestrator.Agents.Agents;
using Orchestrator.Agents.Execution;
using Orchestrator.Agents.Health;
using Orchestrator.Agents.Llm;
using Orchestrator.Agents.Market;
using Orchestrator.Agents.Routing;
using Orchestrator.Agents.Scheduling;
using Orchestrator.Agents.State;
using Orchestrator.Agents.Strategy;
using Orchestrator.Core;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Logging;
using Orchestrator.Engine;

namespace Orchestrator.Daemon.Hosting;

/// <summary>
/// The multi-agent system of one session, on the slow path: its own thread pool, the router,
/// job scheduler and health monitor, the shared bar store fed from the market
/// data fan-out, and the agents (data, strategy, service). It reaches the engine only through
/// the engine's snapshot (refreshed every <see cref="AgentSettings.SnapshotInterval"/>) and by
/// publishing checked signals.
/// </summary>
public sealed class AgentHost : IAsyncDisposable
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Agents");

    /// <summary>What <c>run_backtest</c> answers when <c>agents.backtest_data</c> is unset.</summary>
    public const string BacktestUnavailable = "backtesting needs recorded bars: set agents.backtest_data in daemon.yaml to a CSV or JSONL file of bars (timestamp,symbol,open,high,low,close,volume) and restart";

    private readonly TradingSession _session;
    /// <summary>Heartbeat intervals an external agent may stay silent before its probe fails.</summary>
    public const int ExternalSilentHeartbeats = 3;

    private readonly StrategyAgent _strategy;
    private readonly IChatClient? _strategyChat;
    private readonly AgentHistoryFeed? _historyFeed;
    private readonly Lock _externalGate = new();
    private readonly HashSet<string> _llmChecks = new(StringComparer.Ordinal);

    private AgentHost(TradingSession session, AgentSettings settings, StrategyAgentOptions strategy, BacktestService? backtest, BarStore bars, LlmCallMetrics llmCalls, string? llmTranscripts)
    {
        _session = session;
        LlmCalls = llmCalls;
        TradingEngine engine = session.Engine;
        Pool = new SlowPathScheduler(settings.SlowPoolThreads > 0 ? settings.SlowPoolThreads : SlowPathScheduler.DefaultThreads);
        Jobs = new JobScheduler(Pool);
        Router = new AgentRouter(Pool, Jobs, settings.CallTimeout);
        Bars = bars;
        View = new EngineTradingView(engine);
        Publisher = new EngineSignalPublisher(engine, () => session.LastEventTimeNs);
        Health = new HealthMonitor(Pool, new HealthMonitorOptions { Interval = settings.HealthInterval });

        _strategyChat = strategy.Llm is { } llm ? LlmTranscripts.Record(LlmChatClients.Create(llm, LlmCalls), llm, llmTranscripts) : null; // issue 18: every model call measured and in its transcript
        // issue 18: strategy_agent's prompt holds what the role: strategy agents' holds — the risk limits in force, the
        // event time, its signals' fate and its fills (fed from the audit stream), the forming bar.
        _strategy = new StrategyAgent(strategy, Bars, View, Publisher, _strategyChat, metrics: LlmCalls,
            riskLimits: () => RiskParametersYaml.ToJson(session.CurrentRiskParameters).ToJsonString(), eventTimeNs: () => session.LastEventTimeNs);
        if (strategy.Mode == StrategyMode.Llm && session.AuditWriter is NLogAuditWriter auditLog)
        {
            _historyFeed = new AgentHistoryFeed(engine, engine.Sources.Intern(StrategyAgent.AgentName), _strategy.History, auditLog.Observer);
            auditLog.Observer = _historyFeed; // passes every record on to the observer it replaces
        }

        IAgent[] agents = [new DataAgent(Bars, engine.Symbols.Names), _strategy, new ServiceAgent(backtest is null ? null : backtest.RunAsync, backtestUnavailable: BacktestUnavailable)];
        foreach (IAgent agent in agents)
        {
            Router.Register(agent);
            Health.AddAgent(agent);
        }

        // One health component per LLM agent (llm:NAME), for the agents registered so far and those to come.
        LlmCalls.AgentRegistered += OnLlmAgentRegistered;
        foreach (LlmAgentCallStats known in LlmCalls.Snapshot())
        {
            AddLlmCheck(known.Agent);
        }

        Health.AddCheck(SessionHealth.EngineComponent, _ => Task.FromResult(SessionHealth.Engine(session)));
        Health.AddCheck(SessionHealth.MarketDataComponent, _ => Task.FromResult(SessionHealth.MarketData(session)));
        foreach ((string component, Func<ComponentHealth> check) in SessionHealth.Brokers(session)) // one per venue
        {
            Health.AddCheck(component, _ => Task.FromResult(check()));
        }
        if (session.SignalGateway is not null)
        {
            Health.AddCheck(SessionHealth.GatewayComponent, _ => Task.FromResult(SessionHealth.Gateway(session)!));
            session.SignalGateway.AgentAdded += AddExternal;
            foreach (GatewayAgent known in session.SignalGateway.Agents)
            {
                AddExternal(known); // said hello before the agents started
            }
        }
    }

    /// <summary>The agents that are external (agent protocol), by name.</summary>
    public IEnumerable<ExternalAgent> ExternalAgents => Router.Agents.OfType<ExternalAgent>();

    public SlowPathScheduler Pool { get; }

    public JobScheduler Jobs { get; }

    public AgentRouter Router { get; }

    public HealthMonitor Health { get; }

    /// <summary>
    /// The process's LLM call metrics (issue 18): every LLM agent's client records its calls here
    /// (<see cref="LlmChatClients.Create(LlmStrategyOptions, LlmCallMetrics?)"/>), <c>/metrics</c> renders
    /// them, and each agent in it is a health component <c>llm:NAME</c>, degraded after
    /// <see cref="LlmCallMetrics.DegradedAfter"/> failed calls in a row.
    /// </summary>
    public LlmCallMetrics LlmCalls { get; }

    public BarStore Bars { get; }

    public EngineTradingView View { get; }

    public EngineSignalPublisher Publisher { get; }

    /// <summary>The supervisor of daemon.yaml's agent processes, when there are any (set by <see cref="AgentSupervision.Start"/>).</summary>
    public Orchestrator.Agents.Supervision.AgentSupervisor? Supervisor { get; internal set; }

    /// <summary>
    /// The agents' bar store, fed from <paramref name="session"/>'s market data. Call it before the
    /// session starts (the feed starts inside <see cref="TradingSession.StartAsync"/>) so the bars
    /// hold the feed from its first tick, and give the store to <see cref="Start"/>.
    /// </summary>
    public static BarStore AttachBars(TradingSession session, AgentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(settings);
        var bars = new BarStore(settings.BarLength, calendarOf: symbol => BarStore.CalendarOf(session.Engine, symbol)); // the engine's grid; asked on a symbol's first trade, when the engine exists
        session.MarketObserver = new BarFeed(bars, session);
        return bars;
    }

    /// <summary>
    /// Starts the agents for a running session. <paramref name="strategyModel"/> (agent_model.yaml's
    /// strategy_agent, mapped by <see cref="AgentModelOptions.ToLlmOptions"/>: provider, endpoint, key,
    /// max_tokens, response_format, prompt_file, bars_in_prompt, max_signals) is used when the strategy
    /// agent runs in llm mode; <paramref name="llmKey"/> is its key when the model carries none.
    /// <paramref name="bars"/> is the store <see cref="AttachBars"/> attached before the session
    /// started; when null, one is attached now and sees only the ticks from now on.
    /// <paramref name="llmCalls"/> is the process's LLM call metrics when LLM agents were made before the
    /// host (one is made when null): <see cref="LlmCalls"/>.
    /// <paramref name="llmTranscripts"/> is the directory of the LLM agents' transcripts (null = not recorded).
    /// </summary>
    public static AgentHost Start(TradingSession session, AgentSettings settings, AgentModel? strategyModel, Secret? llmKey, BacktestService? backtest = null, BarStore? bars = null, LlmCallMetrics? llmCalls = null, string? llmTranscripts = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(settings);
        var strategy = new StrategyAgentOptions { Mode = settings.StrategyMode == "llm" ? StrategyMode.Llm : StrategyMode.Rule };
        if (strategy.Mode == StrategyMode.Llm)
        {
            if (strategyModel is null)
            {
                throw new InvalidOperationException("agents.strategy_agent.mode is llm, but agent_model.yaml has no strategy_agent entry");
            }

            // The key resolved at load (api_key_env, else llm.api_key); llmKey for a model built without one.
            AgentModel model = strategyModel.ApiKey is { IsEmpty: false } ? strategyModel : strategyModel with { ApiKey = llmKey };
            strategy = strategy with { Llm = AgentModelOptions.ToLlmOptions(StrategyAgent.AgentName, model) };
        }

        var host = new AgentHost(session, settings, strategy, backtest, bars ?? AttachBars(session, settings), llmCalls ?? new LlmCallMetrics(), llmTranscripts);
        host.Jobs.AddPeriodic("engine-snapshot", settings.SnapshotInterval, () => host.View.Refresh(session.LastEventTimeNs)); // 4 a second: allocates nothing per run
        if (settings.StrategyInterval > TimeSpan.Zero)
        {
            // Bounded by the run's own deadline (the model's timeout in llm mode), not the interval: a
            // run still going when the next is due makes that one skip, it is not cut short.
            var run = AgentMessage.Create(StrategyAgent.AgentName, "generate_signals");
            host.Jobs.AddPeriodic("strategy", settings.StrategyInterval, async ct =>
            {
                AgentResult result = await host.Router.SendAgentMessageAsync(run, cancellationToken: ct).ConfigureAwait(false);
                if (!result.Ok)
                {
                    s_logger.Warn("Scheduled strategy run failed: {0}", result.Error);
                }
            }, timeout: host.Router.TimeoutFor(run) + AgentRouter.OwnTimeoutGrace);
        }

        host.Health.Start();
        s_logger.Info("Agents started: {0} on {1} slow-path thread(s); strategy_agent in {2} mode{3}; health every {4:0}s",
            string.Join(", ", host.Router.Agents.Select(a => a.Name)), host.Pool.MaximumConcurrencyLevel, strategy.Mode.ToString().ToLowerInvariant(),
            settings.StrategyInterval > TimeSpan.Zero ? ", signals every " + settings.StrategyInterval.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s" : " (signals when asked)",
            settings.HealthInterval.TotalSeconds);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        if (_session.SignalGateway is { } gateway)
        {
            gateway.AgentAdded -= AddExternal;
        }

        _session.MarketObserver = null;
        if (_historyFeed is not null && _session.AuditWriter is NLogAuditWriter auditLog && ReferenceEquals(auditLog.Observer, _historyFeed))
        {
            auditLog.Observer = _historyFeed.Next;
        }

        LlmCalls.AgentRegistered -= OnLlmAgentRegistered;
        await Health.DisposeAsync().ConfigureAwait(false);
        await Jobs.DisposeAsync().ConfigureAwait(false);
        _strategy.Dispose();
        _strategyChat?.Dispose();
        Pool.Dispose();
    }

    /// <summary>The health component name of LLM agent <paramref name="agent"/>.</summary>
    public static string LlmHealthComponent(string agent) => "llm:" + agent;

    private void OnLlmAgentRegistered(object? sender, string agent) => AddLlmCheck(agent);

    /// <summary>
    /// Adds LLM agent <paramref name="agent"/>'s health check (once): degraded when its last
    /// <see cref="LlmCallMetrics.DegradedAfter"/> or more calls failed (it is not restarted: a restart
    /// does not cure a model that answers 429), healthy otherwise.
    /// </summary>
    private void AddLlmCheck(string agent)
    {
        lock (_llmChecks)
        {
            if (!_llmChecks.Add(agent))
            {
                return;
            }
        }

        LlmCallMetrics calls = LlmCalls;
        Health.AddCheck(LlmHealthComponent(agent), _ => Task.FromResult(LlmHealth(calls, agent)));
    }

    /// <summary>The health of LLM agent <paramref name="agent"/> by its calls.</summary>
    public static ComponentHealth LlmHealth(LlmCallMetrics calls, string agent)
    {
        ArgumentNullException.ThrowIfNull(calls);
        LlmAgentCallStats? stats = calls.Snapshot().FirstOrDefault(s => s.Agent == agent);
        int failed = stats?.ConsecutiveFailures ?? 0;
        return failed >= LlmCallMetrics.DegradedAfter
            ? ComponentHealth.Of(agent, HealthState.Degraded, string.Create(CultureInfo.InvariantCulture, $"its last {failed} model calls failed, the latest: {stats!.LastFailureKind}"))
            : ComponentHealth.Of(agent, HealthState.Healthy, stats is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"{stats.Calls} model calls"));
    }

    /// <summary>
    /// Registers an external agent on its first hello (the gateway's reader thread), with the router
    /// and the health monitor. A name already taken (a built-in agent such as <c>data_agent</c>, or a
    /// health component such as <c>engine</c>) is not registered: WARN, its signals still trade, but
    /// messages cannot reach it. Registered once; it stays for the run.
    /// </summary>
    private void AddExternal(GatewayAgent gatewayAgent)
    {
        lock (_externalGate)
        {
            if (Router.TryGetAgent(gatewayAgent.Name, out IAgent? existing))
            {
                if (existing is not ExternalAgent)
                {
                    s_logger.Warn("External agent '{0}' not routed: the name belongs to a built-in agent; messages cannot reach it (rename it in its hello)", gatewayAgent.Name);
                }

                return;
            }

            var agent = new ExternalAgent(gatewayAgent, _session.SignalGateway!.HeartbeatInterval * ExternalSilentHeartbeats);
            try
            {
                Health.AddAgent(agent);
            }
            catch (ArgumentException)
            {
                s_logger.Warn("External agent '{0}' not routed: the name belongs to a health component; messages cannot reach it (rename it in its hello)", gatewayAgent.Name);
                return;
            }

            Router.Register(agent);
            s_logger.Info("External agent '{0}' routed: messages reach it while it is connected", agent.Name);
        }
    }

    /// <summary>
    /// Ticks into the bar store (trades only), on the feed thread: a lookup and a short per-symbol
    /// lock. Attached before the session starts, so it finds the engine's symbols on the first tick.
    /// </summary>
    private sealed class BarFeed(BarStore bars, TradingSession session) : IMarketDataSink
    {
        private SymbolTable? _symbols;

        public void OnMarketData(in MarketTick tick)
        {
            if (tick.Kind == EventKind.TradeTick)
            {
                _symbols ??= session.Engine.Symbols; // the feed thread only; the engine exists before any tick
                bars.OnTrade(_symbols.GetName(tick.SymbolId), FixedPoint.ToDecimal(tick.PriceRaw), tick.Size, tick.TsEventNs);
            }
        }
    }
}
