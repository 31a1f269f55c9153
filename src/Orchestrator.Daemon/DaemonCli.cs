using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using NLog;
using Orchestrator.Adapters.Alpaca;
using Orchestrator.Adapters.Kis;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Adapters.Paper;
using Orchestrator.Adapters.Venues;
using Orchestrator.Agents.State;
using Orchestrator.Core;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Control;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Daemon.Logging;
using Orchestrator.Daemon.Mcp;
using Orchestrator.Daemon.Metrics;
using Orchestrator.Daemon.Orchestration;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Daemon;

/// <summary>The command line: <c>run</c> (more commands arrive with their issues).</summary>
public static class DaemonCli
{
    public const int ExitOk = 0;
    public const int ExitFault = 1;
    public const int ExitConfigError = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        var configOption = new Option<string>("--config") { Description = "Configuration directory", DefaultValueFactory = _ => "config" };
        var durationOption = new Option<string?>("--duration") { Description = "Run time, e.g. 30s, 5m, 2h (default: until Ctrl+C or SIGTERM)" };
        var reportOption = new Option<string?>("--report") { Description = "Write a JSON report of the run to this file" };
        var seedOption = new Option<ulong>("--seed") { Description = "Seed of the synthetic market data", DefaultValueFactory = _ => 42UL };
        var rateOption = new Option<double>("--ticks-per-second") { Description = "Pace of the synthetic feed (0 = as fast as possible)", DefaultValueFactory = _ => 200 };
        var logDirOption = new Option<string>("--log-dir") { Description = "Directory for JSON log lines", DefaultValueFactory = _ => "logs" };
        var waitOption = new Option<string>("--wait-strategy") { Description = "Pipeline wait strategy: " + WaitStrategies.ValidNames, DefaultValueFactory = _ => "spin-then-park" };
        var dataOption = new Option<string?>("--data") { Description = "Replay ticks or bars from a CSV/JSONL file instead of the synthetic feed" };
        var recordedOption = new Option<double>("--recorded-speed") { Description = "With --data: replay at the recorded pace times this speed (0 = use --ticks-per-second)", DefaultValueFactory = _ => 0 };
        var leaveOpenOption = new Option<bool>("--leave-open-orders") { Description = "Leave open orders working at shutdown instead of canceling them" };
        var httpPortOption = new Option<int?>("--http-port") { Description = "Enable the control API on 127.0.0.1:PORT (bearer token from api_credentials.yaml or ORCHESTRATOR_API_TOKEN)" };
        var journalOption = new Option<string?>("--journal") { Description = "Journal every input event to this directory before the trading handlers see it (replay it with `replay`)" };
        var snapshotOption = new Option<string>("--snapshot-interval") { Description = "With --journal: how often to write a state snapshot so recovery replays only the journal after it, e.g. 30s, 5m; 0 or off = never", DefaultValueFactory = _ => "1m" };
        var headlessOption = new Option<bool>("--headless") { Description = "No live console display even on a terminal: a status line in the log every --status-interval (also automatic when stdout is redirected or under systemd)" };
        var statusIntervalOption = new Option<string?>("--status-interval") { Description = "How often the one-line status goes to the log, e.g. 5s (default: daemon.yaml display.status_interval, 5s)" };
        var mcpStdioOption = new Option<bool>("--mcp-stdio") { Description = "Serve MCP on stdin/stdout for the agent host that launched us (stdout then carries MCP only; logs go to stderr); ends when the host closes stdin" };
        var mcpPortOption = new Option<int?>("--mcp-port") { Description = "Serve MCP over streamable HTTP on 127.0.0.1:PORT/mcp (bearer token from api_credentials.yaml mcp.token or ORCHESTRATOR_MCP_TOKEN); overrides mcp_integration.yaml's transport and port" };
        var gatewayPortOption = new Option<int?>("--gateway-port") { Description = "Enable the TCP signal gateway on 127.0.0.1:PORT (0 = any free port; overrides daemon.yaml gateway.port)" };
        var journalFsyncOption = new Option<string>("--journal-fsync") { Description = "batch (every batch on disk before trading acts on it), none (survives kill -9, not power loss), or e.g. 100ms", DefaultValueFactory = _ => "batch" };

        var run = new Command("run", "Run the orchestrator: paper broker and synthetic data on embedded defaults")
        {
            configOption, durationOption, reportOption, seedOption, rateOption, logDirOption, waitOption, dataOption, recordedOption, leaveOpenOption, httpPortOption, gatewayPortOption, journalOption, journalFsyncOption, snapshotOption, headlessOption, statusIntervalOption, mcpStdioOption, mcpPortOption,
        };
        run.SetAction((parse, cancellationToken) => RunDaemonAsync(
            new RunArguments(
                parse.GetValue(configOption)!,
                parse.GetValue(durationOption),
                parse.GetValue(reportOption),
                parse.GetValue(seedOption),
                parse.GetValue(rateOption),
                parse.GetValue(logDirOption)!,
                parse.GetValue(waitOption)!,
                parse.GetValue(dataOption),
                parse.GetValue(recordedOption),
                parse.GetValue(leaveOpenOption),
                parse.GetValue(httpPortOption),
                parse.GetValue(journalOption),
                parse.GetValue(journalFsyncOption)!,
                parse.GetValue(snapshotOption)!,
                parse.GetValue(headlessOption),
                parse.GetValue(statusIntervalOption),
                parse.GetValue(mcpStdioOption),
                parse.GetValue(mcpPortOption),
                parse.GetValue(gatewayPortOption)),
            cancellationToken));

        var checkConfigOption = new Option<string>("--config") { Description = "Configuration directory", DefaultValueFactory = _ => "config" };
        var checkConfig = new Command("check-config", "Validate the configuration directory and exit (0 = valid, 2 = problems, one per line)") { checkConfigOption };
        checkConfig.SetAction(parse => CheckConfig(parse.GetValue(checkConfigOption)!, Console.Out, Console.Error));

        Command data = DataCommand.Create();
        data.Add(DataGenerateCommand.Create());
        var root = new RootCommand("Orchestrator.LowLatency: low-latency manager of a multi-agent trading system") { run, checkConfig, BacktestCommand.Create(), data, ReplayCommand.Create(), TailCommand.Create(), McpConfigCommand.Create() };
        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }

    /// <summary>Validates <paramref name="configDir"/>; prints a summary or every problem.</summary>
    public static int CheckConfig(string configDir, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = LoadDirectory(configDir);
        if (config is null)
        {
            foreach (ConfigError problem in errors)
            {
                error.WriteLine(problem.ToString());
            }

            error.WriteLine($"{errors.Count} configuration problem(s) in '{configDir}'");
            return ExitConfigError;
        }

        foreach (string warning in config.Warnings)
        {
            output.WriteLine("warning: " + warning);
        }

        output.WriteLine(Describe(configDir, config));
        return ExitOk;
    }

    /// <summary>
    /// The configuration of <c>run</c> and <c>check-config</c>: a <c>--config</c> directory that does not
    /// exist is an error, not a silent run on the embedded defaults (only the default <c>config</c> may be absent).
    /// </summary>
    private static (DaemonConfig? Config, IReadOnlyList<ConfigError> Errors) LoadDirectory(string configDir) =>
        ConfigLoader.DirectoryProblem(configDir) is { } missing ? (null, [missing]) : ConfigLoader.Load(configDir);

    private static string Describe(string configDir, DaemonConfig config) =>
        $"configuration OK: {(config.FilesRead.Count == 0 ? "no files in '" + configDir + "', embedded defaults" : string.Join(", ", config.FilesRead))}; "
        + $"broker {string.Join(" + ", ConfigLoader.TradedVenues(config.Engine))}, mode {config.Account.TradingMode}, {config.Engine.Symbols.Count} symbols ({string.Join(", ", config.Engine.Symbols)}), "
        + $"sizing {config.Engine.Sizing.Method}, max daily loss {config.Engine.Risk.MaxDailyLossFraction:P1}";

    private sealed record RunArguments(string ConfigDir, string? Duration, string? Report, ulong Seed, double TicksPerSecond, string LogDir, string WaitStrategy, string? DataFile, double RecordedSpeed, bool LeaveOpenOrders, int? HttpPort, string? Journal, string JournalFsync, string SnapshotInterval, bool Headless = false, string? StatusInterval = null, bool McpStdio = false, int? McpPort = null, int? GatewayPort = null);

    /// <summary>A duration, or 0 / off for never; null when unreadable (the error says why).</summary>
    internal static TimeSpan? ParseSnapshotInterval(string text, out string? error)
    {
        error = null;
        if (text.Trim() is "0" or "off")
        {
            return TimeSpan.Zero;
        }

        return DurationParser.TryParse(text, out TimeSpan interval, out error, allowZero: true) ? interval : null;
    }

    /// <summary>
    /// A start-up that fails for a reason a person must fix (keys, broker, network) is a CRITICAL
    /// alert on the configured channels too — headless under systemd nobody reads the log at once.
    /// Sent before the process exits (waits at most 15 s for the channels).
    /// </summary>
    private static async Task AlertStartFailureAsync(DaemonConfig? config, string key, string message)
    {
        if (config is null)
        {
            return;
        }

        await using Agents.Alerts.AlertService alerts = AlertSetup.Create(config.Daemon.Alerts, config.Credentials);
        alerts.Start();
        alerts.Alert(Agents.Alerts.AlertSeverity.Critical, "start-up", "start-up:" + key, message);
        await alerts.DrainAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
    }

    /// <summary>batch, none or Nms.</summary>
    internal static JournalFsync? ParseFsync(string text) => text switch
    {
        "batch" => JournalFsync.EveryBatch,
        "none" => JournalFsync.None,
        _ when text.EndsWith("ms", StringComparison.Ordinal) && int.TryParse(text[..^2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int ms) && ms is > 0 and <= 60_000 => JournalFsync.IntervalMs(ms),
        _ => null,
    };

    private static async Task<int> RunDaemonAsync(RunArguments a, CancellationToken cancellationToken)
    {
        string configDir = a.ConfigDir;
        string? durationText = a.Duration;
        string? reportPath = a.Report;
        double ticksPerSecond = a.TicksPerSecond;
        string waitText = a.WaitStrategy;

        // MCP on stdio: stdout is the client's before anything can write to it (the log's console target goes to stderr).
        bool mcpStdio = a.McpStdio || (a.McpPort is null && ConfigLoader.McpWantsStdio(configDir));
        Stream? mcpStdout = mcpStdio ? McpStdioServer.ClaimStdout() : null;
        LogSetup.Configure(configDir, a.LogDir);
        Logger logger = LogManager.GetLogger("Orchestrator");
        DaemonConfig? loaded = null; // for an alert when the start fails
        bool started = false; // past recovery: journal and starting-cash problems are start-up problems only before this
        try
        {
            var errors = new List<string>();
            TimeSpan? duration = null;
            if (durationText is not null)
            {
                if (DurationParser.TryParse(durationText, out TimeSpan d, out string? error))
                {
                    duration = d;
                }
                else
                {
                    errors.Add("--duration: " + error);
                }
            }

            if (!WaitStrategies.TryParse(waitText, out WaitStrategyKind? wait))
            {
                errors.Add($"--wait-strategy: expected one of {WaitStrategies.ValidNames}, got '{waitText}'");
            }

            if (ticksPerSecond < 0 || double.IsNaN(ticksPerSecond))
            {
                errors.Add($"--ticks-per-second: must be 0 or more, got {ticksPerSecond}");
            }

            if (a.DataFile is not null && MarketDataFileReader.PathProblem(a.DataFile) is { } dataProblem)
            {
                errors.Add("--data: " + dataProblem);
            }

            if (a.RecordedSpeed < 0 || double.IsNaN(a.RecordedSpeed))
            {
                errors.Add($"--recorded-speed: must be 0 or more, got {a.RecordedSpeed}");
            }

            foreach (string file in new[] { ConfigLoader.AgentModelFile, ConfigLoader.McpFile })
            {
                if (Directory.Exists(configDir) && AtomicFile.CleanUpAfterCrash(Path.Combine(configDir, file)) > 0)
                {
                    logger.Warn("Removed a half-written copy of {0} left by an interrupted write; the file itself is whole", file);
                }
            }

            (DaemonConfig? config, IReadOnlyList<ConfigError> configErrors) = LoadDirectory(configDir);
            errors.AddRange(configErrors.Select(e => e.ToString()));
            loaded = config;

            JournalFsync? fsync = ParseFsync(a.JournalFsync);
            if (fsync is null)
            {
                errors.Add($"--journal-fsync: expected batch, none or a number of milliseconds like 100ms, got '{a.JournalFsync}'");
            }

            TimeSpan? snapshotInterval = ParseSnapshotInterval(a.SnapshotInterval, out string? snapshotError);
            if (snapshotInterval is null)
            {
                errors.Add("--snapshot-interval: " + snapshotError + " (or 0 / off)");
            }

            TimeSpan? statusInterval = null;
            if (a.StatusInterval is not null)
            {
                if (DurationParser.TryParse(a.StatusInterval, out TimeSpan status, out string? statusError))
                {
                    statusInterval = status;
                }
                else
                {
                    errors.Add("--status-interval: " + statusError);
                }
            }

            if (a.HttpPort is { } port && (port < 0 || port > 65_535))
            {
                errors.Add($"--http-port: must be between 0 and 65535, got {port}");
            }

            if (a.GatewayPort is { } gatewayPort && (gatewayPort < 0 || gatewayPort > 65_535))
            {
                errors.Add($"--gateway-port: must be between 0 and 65535, got {gatewayPort}");
            }

            int? apiPort = a.HttpPort ?? (config?.Daemon.ControlApiEnabled == true ? config.Daemon.ControlApiPort : null);
            if (apiPort is not null && config?.Credentials.ControlApiToken is null or { IsEmpty: true })
            {
                errors.Add($"--http-port: the control API needs a bearer token: set control_api.token in {Path.Combine(configDir, ConfigLoader.CredentialsFile)} or {ConfigLoader.CredentialEnvironmentVariables["control_api.token"]}");
            }

            if (a.McpStdio && a.McpPort is not null)
            {
                errors.Add("--mcp-stdio and --mcp-port: choose one MCP transport");
            }

            if (a.McpPort is { } mcpPortArg && (mcpPortArg < 0 || mcpPortArg > 65_535))
            {
                errors.Add($"--mcp-port: must be between 0 and 65535, got {mcpPortArg}");
            }

            int? mcpHttpPort = mcpStdio ? null : a.McpPort ?? (config?.Mcp is { Enabled: true, Transport: McpHttpServer.TransportName } m ? m.HttpPort : null);
            if (a.McpPort is not null && !mcpStdio && config?.Credentials.McpToken is null or { IsEmpty: true })
            {
                errors.Add($"--mcp-port: MCP over HTTP needs a bearer token: set mcp.token in {Path.Combine(configDir, ConfigLoader.CredentialsFile)} or {ConfigLoader.CredentialEnvironmentVariables["mcp.token"]}");
            }

            if (mcpHttpPort is { } mcpBind && mcpBind != 0 && mcpBind == apiPort)
            {
                errors.Add($"--mcp-port / {ConfigLoader.McpFile} http_port: {mcpBind} is the control API's port too; give MCP its own");
            }

            int? gatewayBind = a.GatewayPort ?? (config?.Daemon.Gateway is { Enabled: true } g ? g.Port : null);
            if (gatewayBind is { } gatewayListen && gatewayListen != 0 && (gatewayListen == apiPort || gatewayListen == mcpHttpPort))
            {
                errors.Add($"--gateway-port / {ConfigLoader.DaemonFile} gateway.port: {gatewayListen} is the {(gatewayListen == apiPort ? "control API's" : "MCP server's")} port too; give the gateway its own");
            }

            if (errors.Count > 0 || config is null)
            {
                foreach (string error in errors)
                {
                    logger.Error(error); // console and JSON log: one line per problem
                }

                return ExitConfigError;
            }

            foreach (string warning in config.Warnings)
            {
                logger.Warn(warning);
            }

            if (config.Strategies.Count > 0)
            {
                logger.Info("Strategies from {0}: {1}", Path.Combine(configDir, ConfigLoader.DaemonFile), ConfigLoader.DescribeStrategies(config.Strategies));
            }

            if (config.Account.IgnoredKeys.Count > 0)
            {
                logger.Info("{0}: keys not used by this project, ignored: {1}", ConfigLoader.AccountFile, string.Join(", ", config.Account.IgnoredKeys));
            }

            string? llmTranscripts = LlmTranscripts.DirectoryFor(config.Daemon.Agents, a.Journal, a.LogDir); // issue 18: null = off
            (config, IDisposable llmRecorders) = LlmTranscripts.RecordStrategies(config, llmTranscripts); // every model call of the LLM strategies in its transcript
            using IDisposable transcriptFiles = llmRecorders;
            if (config.LlmAgents.Count > 0 || config.Daemon.Agents is { Enabled: true, StrategyMode: "llm" })
            {
                logger.Info("LLM transcripts: {0}", llmTranscripts is null ? "off (agents.llm_transcripts)" : Path.GetFullPath(llmTranscripts));
            }

            SessionOptions options = BuildOptions(config, a.Seed, ticksPerSecond, wait!.Value) with
            {
                DataFile = a.DataFile,
                RecordedSpeed = a.RecordedSpeed,
                CancelOpenOrdersOnShutdown = !a.LeaveOpenOrders,
                WatchConfigDirectory = configDir,
                StatusInterval = statusInterval ?? config.Daemon.StatusInterval,
                Gateway = AgentSupervision.GatewayForSupervisedAgents(config, GatewayOptionsFor(config, a.GatewayPort)),
                ReservedSources = OrchestratorSetup.NameIn(config) is { } orchestratorName ? [orchestratorName] : [],
            };
            if (a.Journal is { } journalDirectory)
            {
                Directory.CreateDirectory(journalDirectory);
                options = options with { Engine = options.Engine with { JournalDirectory = journalDirectory, Journal = new JournalOptions { Fsync = fsync!.Value } }, SnapshotInterval = snapshotInterval!.Value };
            }
            string configDescription = Describe(configDir, config);

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true; // we shut down ourselves, gracefully
                stop.Cancel();
            });

            using var session = new TradingSession(options);
            foreach (LlmAgentDefinition llmAgent in config.LlmAgents)
            {
                llmAgent.Runtime.Follow(() => session.CurrentRiskParameters); // prompts show the limits in force, live changes included
            }

            var recentSignals = new Display.RecentSignals();
            if (session.AuditWriter is NLogAuditWriter auditLog)
            {
                auditLog.Observer = recentSignals; // the dashboard's latest signals, from the audit thread
            }

            // One per process: every LLM agent's client records its calls here; /metrics and health read it (issue 18).
            Agents.Llm.LlmCallMetrics llmCalls = config.LlmAgents.Count > 0 ? config.LlmAgents[0].Runtime.Metrics : new Agents.Llm.LlmCallMetrics(); // one per process: the LLM strategies' (one runtime per loaded configuration) when there are any

            // The agents' bars are attached before the feed starts (inside StartAsync): they see its first tick.
            Agents.Market.BarStore? agentBars = config.Daemon.Agents.Enabled ? AgentHost.AttachBars(session, config.Daemon.Agents) : null;
            await session.StartAsync(configDescription, stop.Token).ConfigureAwait(false);
            started = true;
            await session.UpdateDisplayConfigAsync(new DisplayConfig(config.Daemon.DisplayEnabled, config.Daemon.DisplayMode, config.Daemon.DisplayRefresh), stop.Token).ConfigureAwait(false);
            AgentHost? agents = config.Daemon.Agents.Enabled
                ? AgentHost.Start(session, config.Daemon.Agents, config.Agents.GetValueOrDefault("strategy_agent"), config.Credentials.LlmApiKey,
                    config.Daemon.Agents.BacktestData is { } backtestData ? new BacktestService(config, backtestData) : null, agentBars, llmCalls, llmTranscripts)
                : null;
            using var metrics = new OrchestratorMetrics(session, agents?.Health); // dotnet-counters sees these with or without the API
            metrics.ObserveLlmCalls(llmCalls);
            await using Agents.Alerts.AlertService alerts = AlertSetup.Create(config.Daemon.Alerts, config.Credentials);
            alerts.Start();
            using var interventions = new InterventionAlerts(alerts, session.Engine, () => session.LastEventTimeNs, config.Daemon.Alerts.PauseTrading);
            interventions.Attach(session.VenueGateway, session.Links, session.Reconciler);
            foreach (SessionVenue other in session.Venues.Skip(1))
            {
                interventions.Attach(other.Gateway, [], other.Reconciler); // several venues: each one's incidents and reconciliation (the links are attached once, above)
            }
            if (agents is not null)
            {
                interventions.Attach(agents.Health);
            }

            if (session.AuditWriter is NLogAuditWriter auditWriter)
            {
                auditWriter.Alerts = alerts; // kill switch engaged, order status unknown: CRITICAL alerts too
            }

            logger.Info(AlertSetup.Describe(config.Daemon.Alerts, config.Credentials));
            await using Agents.Supervision.AgentSupervisor? supervisor = AgentSupervision.Start(config, session, agents, alerts, gatewayOpenedForAgents: GatewayOptionsFor(config, a.GatewayPort) is null);
            if (supervisor is not null)
            {
                metrics.ObserveSupervisor(supervisor);
            }
            using OrchestratorAgent? orchestrator = OrchestratorSetup.Create(config, McpContext(session, agents, recentSignals), metrics.CountMcpToolCall, llmCalls, llmTranscripts);
            ControlApi? api = null;
            if (apiPort is { } httpPort)
            {
                var observability = new ObservabilityEndpoints(session, metrics, agents?.Health, config.Daemon.MetricsUnauthenticated);
                api = await ControlApi.StartAsync(session, agents, config.Credentials.ControlApiToken!, httpPort, observability, orchestrator, stop.Token).ConfigureAwait(false);
                logger.Info("Control API listening on {0} (bearer token from {1}; /metrics and /health {2})", api.BaseAddress, config.Credentials.ControlApiToken!.Source,
                    config.Daemon.MetricsUnauthenticated ? "without the token" : "with it");
            }

            await using McpHttpServer? mcpHttp = mcpHttpPort is { } mcpPort
                ? await McpHttpServer.StartAsync(CreateMcpDispatcher(config, McpContext(session, agents, recentSignals), orchestrator, metrics), config.Credentials.McpToken!, mcpPort, stop.Token).ConfigureAwait(false)
                : null;
            if (mcpHttp is not null)
            {
                logger.Info("MCP server (streamable HTTP) listening on {0} (bearer token from {1}); tools: {2}", mcpHttp.Endpoint, config.Credentials.McpToken!.Source, DescribeMcpTools(config.Mcp, orchestrator is not null));
            }

            using var mcpStop = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
            Task mcpStdioTask = mcpStdout is null
                ? Task.CompletedTask
                : ServeMcpStdioAsync(CreateMcpDispatcher(config, McpContext(session, agents, recentSignals), orchestrator, metrics), mcpStdout, logger, stop, mcpStop.Token);
            if (mcpStdout is not null)
            {
                logger.Info("MCP server on stdio (stdout carries MCP only; the log is on stderr); tools: {0}", DescribeMcpTools(config.Mcp, orchestrator is not null));
            }

            await using SystemdNotifier? systemd = SystemdNotifier.FromEnvironment();
            if (systemd is not null)
            {
                systemd.Ready("Trading: " + session.StatusLine(), () => session.Fault is null, session.StatusLine);
                logger.Info("systemd: READY=1 sent{0}", systemd.WatchdogInterval is { } w ? $", watchdog pings every {w.TotalSeconds / 2:0.###}s" : string.Empty);
            }

            Display.ConsoleDashboard? dashboard = null;
            if (Display.ConsoleDashboard.IsInteractive(a.Headless || mcpStdio, Console.IsOutputRedirected, Environment.GetEnvironmentVariable))
            {
                dashboard = new Display.ConsoleDashboard(new Display.DashboardSource(session, recentSignals, agents is null ? null : () => agents.Health.Current), () => session.Display, Spectre.Console.AnsiConsole.Console);
                dashboard.Start();
            }
            else
            {
                logger.Info("Headless: no console display; a status line every {0:0.###}s", options.StatusInterval.TotalSeconds);
            }

            using Display.ConsoleDashboard? dashboardScope = dashboard; // also on an exception: the console log comes back
            await session.RunAsync(duration, stop.Token).ConfigureAwait(false);
            dashboard?.Dispose(); // the console is the log's again for the shutdown lines
            if (systemd is not null)
            {
                await systemd.StoppingAsync("Shutting down: stopping intake, canceling open orders, draining").ConfigureAwait(false);
            }

            if (api is not null)
            {
                await api.DisposeAsync().ConfigureAwait(false);
            }

            await mcpStop.CancelAsync().ConfigureAwait(false);
            await mcpStdioTask.ConfigureAwait(false);
            if (mcpHttp is not null)
            {
                await mcpHttp.DisposeAsync().ConfigureAwait(false); // intake stops before the engine drains
            }

            if (supervisor is not null)
            {
                await supervisor.StopAsync().ConfigureAwait(false); // SIGTERM, then SIGKILL after each one's grace: while the gateway still runs
            }

            if (agents is not null)
            {
                await agents.DisposeAsync().ConfigureAwait(false); // agents are intake too: they stop before the engine drains
            }

            ShutdownResult shutdown = session.Stop();

            RunReport report = session.BuildReport();
            logger.Log(session.StatusEvent());
            logger.Info("Summary: {0} events, {1} orders, {2} fills, equity {3}, realized {4}, unrealized {5}, latency p50 {6:0.0}us p99 {7:0.0}us, {8}",
                report.Events, report.OrdersSubmitted, report.Fills, report.Equity, report.RealizedPnl, report.UnrealizedPnl, report.Latency.P50Us, report.Latency.P99Us, DescribeGc(report.Gc));
            if (reportPath is not null)
            {
                string? directory = Path.GetDirectoryName(Path.GetFullPath(reportPath));
                if (directory is not null)
                {
                    Directory.CreateDirectory(directory);
                }

                await File.WriteAllTextAsync(reportPath, report.ToJson(), CancellationToken.None).ConfigureAwait(false);
                logger.Info("Report written to {0}", reportPath);
            }

            return session.Fault is not null || session.FeedFailed || shutdown != ShutdownResult.Drained ? ExitFault : ExitOk;
        }
        catch (VenueAuthenticationException ex)
        {
            logger.Fatal("The broker refused our credentials: {0}. Check the keys in {1} (or the environment); nothing was traded", ex.Message, ConfigLoader.CredentialsFile);
            await AlertStartFailureAsync(loaded, "credentials", "The daemon did not start: the broker refused our credentials (API key expired or wrong). Renew the keys; nothing was traded").ConfigureAwait(false);
            return ExitFault;
        }
        catch (Exception ex) when (ex is HttpRequestException or VenueTransientException)
        {
            logger.Fatal("The broker could not be reached at start-up: {0}. Check broker_config.yaml's addresses and the network; nothing was traded", ex.Message);
            await AlertStartFailureAsync(loaded, "broker_unreachable", "The daemon did not start: the broker could not be reached (outage or network down); nothing was traded").ConfigureAwait(false);
            return ExitFault;
        }
        catch (Exception ex) when (!started && ex is JournalCorruptException or InvalidDataException)
        {
            // A damaged journal or an unreadable starting-cash file beside it: a person must look (the
            // message names the file and offset); exit 2 so that systemd does not restart into it again.
            logger.Fatal("The daemon did not start: {0}", ConfigError.FirstLine(ex.Message));
            return ExitConfigError;
        }
        catch (Exception ex) when (IsPortInUse(ex))
        {
            logger.Fatal("The daemon did not start: {0}", ex.Message.TrimEnd('.'));
            return ExitFault;
        }
        catch (JournalCorruptException ex)
        {
            // Not a crash to restart from: the journal needs a person (restarting would refuse again).
            logger.Fatal("The daemon did not start: {0} Nothing was cut or deleted; move the journal aside to start a new one, or repair it", ex.Message);
            return ExitConfigError;
        }
        catch (Exception ex)
        {
            logger.Fatal(ex, "The daemon stopped on an unexpected error");
            return ExitFault;
        }
        finally
        {
            LogManager.Shutdown();
        }
    }

    /// <summary>The summary's GC words: what was counted (after the warm-up, or the whole run when it was shorter) and what the collector did.</summary>
    private static string DescribeGc(GcFigures gc) => string.Create(CultureInfo.InvariantCulture,
        $"GC {(gc.WarmupSeconds > 0 ? $"after a {gc.WarmupSeconds:0.###}s warm-up" : "over the whole run (shorter than the warm-up)")}: gen0 {gc.Gen0} gen1 {gc.Gen1} gen2 {gc.Gen2}, {(gc.AllocatedBytes < 1 << 20 ? $"{gc.AllocatedBytes / 1024.0:0.0} KiB" : $"{gc.AllocatedBytes / 1048576.0:0.0} MiB")} allocated in {gc.MeasuredSeconds:0.0}s");

    /// <summary>What the MCP tools (and the orchestrator agent's) work on: the session, agents and recent signals; signals go through the agents' publisher when they run.</summary>
    private static McpToolContext McpContext(TradingSession session, AgentHost? agents, Display.RecentSignals signals) =>
        new(session, agents, signals, agents?.Publisher ?? new EngineSignalPublisher(session.Engine, () => session.LastEventTimeNs));

    /// <summary>The configured MCP tools on <paramref name="context"/>; ask_orchestrator hands tasks to <paramref name="orchestrator"/> when there is one.</summary>
    private static McpToolDispatcher CreateMcpDispatcher(DaemonConfig config, McpToolContext context, OrchestratorAgent? orchestrator, OrchestratorMetrics metrics) =>
        new(OrchestratorMcpTools.Select(config.Mcp, context with { Orchestrator = orchestrator, TradingToolsEnabled = config.Mcp.TradingToolsEnabled }), metrics.CountMcpToolCall);

    private static string DescribeMcpTools(McpConfig mcp, bool orchestrator) =>
        string.Join(", ", mcp.Tools.Where(t => (!McpTools.Trading.Contains(t) || mcp.TradingToolsEnabled) && (orchestrator || t != OrchestratorMcpTools.AskOrchestratorTool))) + (mcp.TradingToolsEnabled ? " (trading tools enabled)" : string.Empty);

    /// <summary>Serves MCP on stdio until the client closes stdin (then the daemon stops) or <paramref name="cancellationToken"/> fires.</summary>
    private static async Task ServeMcpStdioAsync(McpToolDispatcher dispatcher, Stream stdout, Logger logger, CancellationTokenSource stopDaemon, CancellationToken cancellationToken)
    {
        try
        {
            await McpStdioServer.RunAsync(dispatcher, Console.OpenStandardInput(), stdout, cancellationToken).ConfigureAwait(false);
            if (!cancellationToken.IsCancellationRequested)
            {
                logger.Info("The MCP client closed stdin: shutting down");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return; // the daemon is stopping
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            logger.Error("The MCP stdio session failed: {0}; shutting down", ex.Message);
        }

        if (!cancellationToken.IsCancellationRequested)
        {
            await stopDaemon.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A listener (control API, MCP over HTTP, signal gateway) found its port taken.</summary>
    private static bool IsPortInUse(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is Microsoft.AspNetCore.Connections.AddressInUseException || e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The signal gateway's options: daemon.yaml <c>gateway:</c>, enabled (on that port) by <c>--gateway-port</c>; null = off.</summary>
    internal static Adapters.SignalGateway.GatewayOptions? GatewayOptionsFor(DaemonConfig config, int? portOverride)
    {
        GatewaySettings g = config.Daemon.Gateway;
        if (!g.Enabled && portOverride is null)
        {
            return null;
        }

        return new Adapters.SignalGateway.GatewayOptions
        {
            Port = portOverride ?? g.Port,
            MaxConnections = g.MaxConnections,
            MaxLineBytes = g.MaxLineBytes,
            MaxInFlight = g.MaxInFlight,
            AuthTimeout = g.AuthTimeout,
            IdleTimeout = g.IdleTimeout,
            HeartbeatInterval = g.HeartbeatInterval,
            AgentQueueSize = g.AgentQueueSize,
            AgentLogSize = g.AgentLogSize,
            MarketDataRingSize = g.MarketDataRingSize,
            AuthToken = g.Auth ? config.Credentials.GatewayToken?.Reveal() : null,
        };
    }

    /// <summary>Session options on the embedded defaults (no configuration files).</summary>
    internal static SessionOptions BuildOptions(ulong seed, double ticksPerSecond, WaitStrategyKind wait) =>
        BuildOptions(ConfigLoader.Defaults(), seed, ticksPerSecond, wait);

    internal static SessionOptions BuildOptions(DaemonConfig config, ulong seed, double ticksPerSecond, WaitStrategyKind wait)
    {
        var engine = config.Engine with
        {
            WaitStrategy = wait,
            Symbols = config.Account.WatchList.Count > 0 ? config.Engine.Symbols : [.. DaemonDefaults.WatchList.Select(w => w.Symbol)],
            Strategies = [.. config.Strategies.Where(s => s.Enabled).Select(s => s.Register())], // new instances for this engine
        };
        IReadOnlyList<WatchItem> watch = config.Account.WatchList.Count > 0
            ? config.Account.WatchList
            : DaemonDefaults.WatchList;
        return new SessionOptions
        {
            Engine = engine,
            // Simulated time advances one second per tick, so at 200 ticks/s the market moves 200x faster than the wall clock.
            Synthetic = new SyntheticMarketDataOptions
            {
                Seed = seed,
                TicksPerSecond = 1,
                Symbols = [.. watch.Select((w, i) => new SyntheticSymbol(i, w.StartPrice) { VolatilityAnnual = w.Volatility })],
            },
            Paper = new PaperExchangeOptions
            {
                SymbolCount = engine.Symbols.Count,
                StartingCashRaw = FixedPoint.FromDecimal(engine.StartingCash),
                SlippageBps = config.Broker.PaperSlippageBps,
                CommissionBps = config.Broker.PaperCommissionBps,
                MinimumCommissionRaw = FixedPoint.FromDecimal(config.Broker.PaperMinimumCommission),
            },
            FeedTicksPerSecond = ticksPerSecond,
            Venues = BuildVenues(config),
        };
    }

    /// <summary>The real venues the configuration trades through (by its routing: ConfigLoader.TradedVenues); empty for paper.</summary>
    internal static IReadOnlyList<VenueSettings> BuildVenues(DaemonConfig config) =>
        [.. ConfigLoader.TradedVenues(config.Engine).Select(venue => BuildVenue(config, venue)).OfType<VenueSettings>()];

    /// <summary>The broker broker_config.yaml's <c>adapter</c> selects, or null for paper.</summary>
    internal static VenueSettings? BuildVenue(DaemonConfig config) => BuildVenue(config, config.Broker.Adapter);

    /// <summary>The real broker <paramref name="adapter"/> as the configuration describes it, or null for paper.</summary>
    internal static VenueSettings? BuildVenue(DaemonConfig config, string adapter)
    {
        BrokerConfig broker = config.Broker;
        CredentialsConfig credentials = config.Credentials;
        switch (adapter)
        {
            case "kis":
                {
                    KisAccount account = config.Account.Active!;
                    string appKey = (credentials.KisAppKey is { IsEmpty: false } k ? k : account.AppKey!).Reveal();
                    string appSecret = (credentials.KisAppSecret is { IsEmpty: false } s ? s : account.AppSecret!).Reveal();
                    return new VenueSettings
                    {
                        Adapter = "kis",
                        Gateway = broker.Gateway,
                        VenueMarketData = broker.MarketData == "venue",
                        Kis = new KisCredentials(appKey, appSecret, account.AccountNumber!, account.ProductCode!, config.Account.TradingMode == "REAL"),
                        KisRestUrl = broker.KisRestUrl ?? WithSlash(new Uri(account.Url!)),
                        KisWebSocketUrl = broker.KisWebSocketUrl ?? (account.WebSocketUrl is { } ws ? new Uri(ws) : null),
                        KisHtsId = broker.KisHtsId,
                        KisOverseasExchanges = broker.KisOverseasExchanges,
                        KisOverseasCollar = broker.KisOverseasCollar,
                        KisLimits = new KisLimits
                        {
                            RequestsPerSecond = broker.KisRequestsPerSecond,
                            TokenCacheDirectory = broker.KisTokenCacheDirectory ?? KisLimits.DefaultTokenCacheDirectory(),
                        },
                    };
                }

            case "alpaca":
                return new VenueSettings
                {
                    Adapter = "alpaca",
                    Gateway = broker.Gateway,
                    VenueMarketData = broker.MarketData == "venue",
                    Alpaca = new AlpacaCredentials(credentials.AlpacaKeyId!.Reveal(), credentials.AlpacaSecretKey!.Reveal()),
                    AlpacaTradingUrl = broker.AlpacaTradingUrl,
                    AlpacaTradingStreamUrl = broker.AlpacaTradingStreamUrl,
                    AlpacaDataUrl = broker.AlpacaDataUrl,
                };

            default:
                return null;
        }
    }

    private static Uri WithSlash(Uri uri) => uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");
}
