using Orchestrator.Adapters.Kis;
using Orchestrator.Adapters.Venues;
using Orchestrator.Daemon.Logging;
using Orchestrator.Engine.Options;
using Orchestrator.Strategies;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// Loads and validates the configuration directory in one pass, collecting every problem
/// (file, key path, reason, line and column) instead of stopping at the first. No exception
/// leaves it for bad input: unreadable files and every parser failure are errors too. A missing
/// file means that file's defaults (a missing directory is the commands' error: <see cref="DirectoryProblem"/>); <c>myStockInfo.yaml</c> and the credentials become required
/// only when the broker adapter is a real one. Unknown keys are errors in the project's own
/// files and ignored in <c>myStockInfo.yaml</c>, whose users bring keys from other tools.
/// </summary>
public static partial class ConfigLoader
{
    public const string AccountFile = "myStockInfo.yaml";
    public const string RiskFile = "risk_management.yaml";
    public const string BrokerFile = "broker_config.yaml";
    public const string CredentialsFile = "api_credentials.yaml";
    public const string AgentModelFile = "agent_model.yaml";
    public const string McpFile = "mcp_integration.yaml";
    public const string DaemonFile = "daemon.yaml";

    /// <summary>
    /// The directory the commands read when <c>--config</c> is not given. It alone may be absent (a
    /// run from an empty directory uses the embedded defaults); any other directory must exist.
    /// </summary>
    public const string DefaultDirectory = "config";

    /// <summary>
    /// What is wrong with <c>--config</c>'s directory before any file is read: it does not exist (only
    /// <see cref="DefaultDirectory"/> may be absent), or it is a file. Null when it can be read.
    /// </summary>
    public static ConfigError? DirectoryProblem(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (Directory.Exists(directory) || (directory == DefaultDirectory && !File.Exists(directory)))
        {
            return null;
        }

        return new ConfigError(directory, string.Empty, File.Exists(directory) ? "is a file; --config names the configuration directory" : "the configuration directory does not exist");
    }

    /// <summary>Environment variables that override credentials (they win over the file).</summary>
    public static IReadOnlyDictionary<string, string> CredentialEnvironmentVariables { get; } = new Dictionary<string, string>
    {
        ["kis.app_key"] = "ORCHESTRATOR_KIS_APP_KEY",
        ["kis.app_secret"] = "ORCHESTRATOR_KIS_APP_SECRET",
        ["alpaca.key_id"] = "ORCHESTRATOR_ALPACA_KEY_ID",
        ["alpaca.secret_key"] = "ORCHESTRATOR_ALPACA_SECRET_KEY",
        ["control_api.token"] = "ORCHESTRATOR_API_TOKEN",
        ["mcp.token"] = "ORCHESTRATOR_MCP_TOKEN",
        ["gateway.token"] = "ORCHESTRATOR_GATEWAY_TOKEN",
        ["llm.api_key"] = "ORCHESTRATOR_LLM_API_KEY",
        ["alerts.webhook_url"] = "ORCHESTRATOR_ALERT_WEBHOOK_URL",
        ["alerts.telegram_bot_token"] = "ORCHESTRATOR_TELEGRAM_BOT_TOKEN",
    };

    private static readonly Dictionary<string, SizingMethod> s_sizingMethods = new(StringComparer.Ordinal)
    {
        ["fixed_fraction"] = SizingMethod.FixedFraction,
        ["volatility"] = SizingMethod.Volatility,
        ["fixed_quantity"] = SizingMethod.FixedQuantity,
    };

    /// <summary>The configuration with no files at all: every default, credentials from the environment only.</summary>
    public static DaemonConfig Defaults(Func<string, string?>? environment = null) => Load(null, environment).Config!;

    /// <summary>Loads <paramref name="directory"/> (null: no files, defaults only).</summary>
    public static (DaemonConfig? Config, IReadOnlyList<ConfigError> Errors) Load(string? directory, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var errors = new List<ConfigError>();
        var warnings = new List<string>();
        var filesRead = new List<string>();
        if (directory is not null && LogSetup.CustomConfigurationProblem(Path.Combine(directory, LogSetup.CustomConfigFile)) is { } logging)
        {
            errors.Add(new ConfigError(DisplayPath(directory, LogSetup.CustomConfigFile), string.Empty, logging));
        }

        YamlSection? broker = Read(directory, BrokerFile, errors, filesRead);
        BrokerConfig brokerConfig = ReadBroker(broker);
        bool realBroker = brokerConfig.Adapter != "paper";

        YamlSection? account = Read(directory, AccountFile, errors, filesRead);
        if (account is null && realBroker && !errors.Any(e => e.File.EndsWith(AccountFile, StringComparison.Ordinal)))
        {
            errors.Add(new ConfigError(DisplayPath(directory, AccountFile), string.Empty, $"is required when broker_config.yaml selects the '{brokerConfig.Adapter}' adapter, and it is missing"));
        }

        AccountConfig accountConfig = ReadAccount(account);

        YamlSection? risk = Read(directory, RiskFile, errors, filesRead);
        EngineOptions engine = ReadRisk(risk) with
        {
            Symbols = accountConfig.WatchList.Count > 0 ? [.. accountConfig.WatchList.Select(w => w.Symbol)] : new EngineOptions().Symbols,
            StartingCash = accountConfig.StartingCash,
            DefaultVenue = brokerConfig.Adapter,
            VenueHeldGroups = brokerConfig.AlpacaExits == "venue", // alpaca.exits (only Alpaca holds brackets)
            CurrencySymbol = Orchestrator.Core.CurrencySymbols.Of(accountConfig.BaseCurrency),
        };

        string credentialsPath = DisplayPath(directory, CredentialsFile);
        YamlSection? credentials = Read(directory, CredentialsFile, errors, filesRead);
        CredentialsConfig credentialsConfig = ReadCredentials(credentials, environment);
        if (credentials is not null && OperatingSystem.IsLinux())
        {
            UnixFileMode mode = File.GetUnixFileMode(credentialsPath);
            if ((mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
            {
                warnings.Add($"{DisplayPath(directory, CredentialsFile)} is readable by group or others; run: chmod 600 {credentialsPath}");
            }
        }

        Dictionary<string, AgentModel> agents = ReadAgents(Read(directory, AgentModelFile, errors, filesRead), directory, engine.Symbols, credentialsConfig, environment); // ConfigLoader.AgentModels.cs
        McpConfig mcp = ReadMcp(Read(directory, McpFile, errors, filesRead));
        YamlSection? daemonFile = Read(directory, DaemonFile, errors, filesRead);
        IReadOnlyList<StrategyDefinition> strategies = ReadStrategies(daemonFile, directory, engine.Symbols); // strategies: (ConfigLoader.Strategies.cs)
        engine = ReadConsolidation(daemonFile, engine); // consolidation: ConfigLoader.Consolidation.cs
        engine = ReadCalendars(daemonFile, engine); // calendars: ConfigLoader.Calendars.cs
        VenueRoutes routes = ReadRouting(daemonFile, brokerConfig.Adapter, engine.Symbols); // routing: ConfigLoader.Routing.cs
        engine = ReadInstruments(daemonFile, engine, accountConfig.BaseCurrency, routes); // account, instruments: ConfigLoader.Instruments.cs
        IReadOnlyList<string> venues = TradedVenues(engine);
        CheckVenues(directory, venues, brokerConfig, accountConfig, account is not null || errors.Any(e => e.File.EndsWith(AccountFile, StringComparison.Ordinal)), credentialsConfig, engine, errors);
        IReadOnlyList<LlmAgentDefinition> llmAgents = LlmAgentDefinitions.From(
            agents, engine, [.. strategies.Select(d => d.Name)], DisplayPath(directory, AgentModelFile), errors); // keys resolved by ReadAgents (api_key_env, else llm.api_key)
        strategies = [.. strategies, .. llmAgents.Select(d => d.Strategy(Path.GetFullPath(DisplayPath(directory, AgentModelFile))))]; // role strategy: strategies like any other
        DaemonSettings daemon = ReadDaemon(daemonFile);
        engine = WithAgentLimits(directory, engine, daemon.Agents, errors); // agents.limits: ConfigLoader.AgentLimits.cs
        CheckProcessesAgainstStrategies(directory, daemon.Agents.Processes, strategies, errors); // ConfigLoader.AgentProcesses.cs
        WarnUnknownSources(directory, engine, strategies, daemon.Agents.Processes, warnings); // ConfigLoader.Consolidation.cs
        if (daemon.ControlApiEnabled && credentialsConfig.ControlApiToken is null or { IsEmpty: true })
        {
            errors.Add(new ConfigError(DisplayPath(directory, DaemonFile), "control_api.enabled",
                $"needs a bearer token: set control_api.token in {CredentialsFile} or {CredentialEnvironmentVariables["control_api.token"]}"));
        }

        if (daemon.Agents is { Enabled: true, StrategyMode: "llm" } && !agents.ContainsKey("strategy_agent")
            && !errors.Any(e => e.File.EndsWith(AgentModelFile, StringComparison.Ordinal)))
        {
            errors.Add(new ConfigError(DisplayPath(directory, DaemonFile), "agents.strategy_agent.mode",
                $"is llm, but {AgentModelFile} has no strategy_agent entry: add agents.strategy_agent there (provider, model, and endpoint for openai_compatible) or use mode: rule"));
        }

        CheckAgentKeys(directory, agents, daemon.Agents, errors); // ConfigLoader.AgentModels.cs
        CheckAgentNamesAgainstProcesses(directory, agents, daemon.Agents.Processes, errors);
        CheckStrategyAgentTimeout(directory, agents, daemon.Agents, errors);

        if (McpTokenProblem(directory, mcp, credentialsConfig) is { } mcpToken)
        {
            errors.Add(mcpToken);
        }

        if (daemon.Gateway.Auth && credentialsConfig.GatewayToken is null or { IsEmpty: true })
        {
            errors.Add(new ConfigError(DisplayPath(directory, DaemonFile), "gateway.auth",
                $"needs a token: set gateway.token in {CredentialsFile} or {CredentialEnvironmentVariables["gateway.token"]}"));
        }

        ValidateAlertSecrets(directory, daemon.Alerts, credentialsConfig, errors);

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new DaemonConfig
        {
            Account = accountConfig,
            Engine = engine,
            Broker = brokerConfig,
            Credentials = credentialsConfig,
            Agents = agents,
            Mcp = mcp,
            Daemon = daemon,
            Strategies = strategies,
            LlmAgents = llmAgents,
            FilesRead = filesRead,
            Warnings = warnings,
        }, errors);
    }

    private static string DisplayPath(string? directory, string file) => Path.Combine(directory ?? string.Empty, file);

    private static YamlSection? Read(string? directory, string file, List<ConfigError> errors, List<string> filesRead)
    {
        if (directory is null)
        {
            return null;
        }

        string path = Path.Combine(directory, file);
        string display = DisplayPath(directory, file);
        if (Directory.Exists(path))
        {
            errors.Add(new ConfigError(display, string.Empty, "is a directory; expected a YAML file (or nothing, for the defaults)"));
            return null;
        }

        if (!File.Exists(path))
        {
            return null;
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add(new ConfigError(display, string.Empty, "cannot be read: " + ex.Message));
            return null;
        }

        if (YamlDocument.Parse(text, display, "YAML", errors) is not { } stream)
        {
            return null;
        }

        filesRead.Add(display);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new YamlSection(new YamlMappingNode(), display, string.Empty, errors); // empty file: defaults
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            YamlNode node = stream.Documents[0].RootNode;
            errors.Add(new ConfigError(display, string.Empty, "must be a mapping of keys to values at the top level", (int)node.Start.Line, (int)node.Start.Column));
            return null;
        }

        return new YamlSection(root, display, string.Empty, errors);
    }

    private static BrokerConfig ReadBroker(YamlSection? s)
    {
        var config = new BrokerConfig();
        if (s is null)
        {
            return config;
        }

        string adapter = s.GetEnum("adapter", "paper", new Dictionary<string, string> { ["paper"] = "paper", ["kis"] = "kis", ["alpaca"] = "alpaca" });
        config = config with { Adapter = adapter };
        if (s.Section("paper") is { } paper)
        {
            config = config with
            {
                PaperSlippageBps = paper.GetLong("slippage_bps", config.PaperSlippageBps, 0, 1_000),
                PaperCommissionBps = paper.GetLong("commission_bps", config.PaperCommissionBps, 0, 1_000),
                PaperMinimumCommission = paper.GetDecimal("minimum_commission", config.PaperMinimumCommission, 0, 1_000_000),
            };
            paper.ReportUnknownKeys();
        }

        VenueGatewayOptions gateway = config.Gateway;
        gateway = gateway with
        {
            RequestTimeout = s.GetDuration("request_timeout", gateway.RequestTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5)),
            PollInterval = s.GetDuration("poll_interval", gateway.PollInterval, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(5)),
            UnknownGrace = s.GetDuration("unknown_grace", gateway.UnknownGrace, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            Concurrency = s.GetInt("concurrency", gateway.Concurrency, 1, 64),
        };
        if (s.Section("retry") is { } retry)
        {
            gateway = gateway with
            {
                MaxRetries = retry.GetInt("max_retries", gateway.MaxRetries, 1, 10),
                Backoff = retry.GetDuration("backoff", gateway.Backoff, TimeSpan.Zero, TimeSpan.FromMinutes(1)),
                RateLimitedBackoff = retry.GetDuration("rate_limited_backoff", gateway.RateLimitedBackoff, TimeSpan.Zero, TimeSpan.FromMinutes(5)),
            };
            retry.ReportUnknownKeys();
        }

        if (s.Section("rate_limit") is { } rate)
        {
            gateway = gateway with { RequestsPerSecond = rate.GetInt("requests_per_second", gateway.RequestsPerSecond, 1, 10_000) };
            rate.ReportUnknownKeys();
        }

        if (s.Section("circuit_breaker") is { } breaker)
        {
            gateway = gateway with
            {
                BreakerFailureRatio = (double)breaker.GetDecimal("failure_ratio", (decimal)gateway.BreakerFailureRatio, 0.01m, 1m),
                BreakerMinimumThroughput = breaker.GetInt("minimum_throughput", gateway.BreakerMinimumThroughput, 2, 10_000),
                BreakDuration = breaker.GetDuration("break_duration", gateway.BreakDuration, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            };
            breaker.ReportUnknownKeys();
        }

        config = config with
        {
            Gateway = gateway,
            MarketData = s.GetEnum("market_data", config.MarketData, new Dictionary<string, string> { ["venue"] = "venue", ["synthetic"] = "synthetic" }),
        };
        if (s.Section("kis") is { } kis)
        {
            config = config with
            {
                KisRestUrl = GetUrl(kis, "rest_url", "http", "https"),
                KisWebSocketUrl = GetUrl(kis, "websocket_url", "ws", "wss"),
                KisHtsId = kis.GetString("hts_id"),
                KisOverseasExchanges = ReadOverseasExchanges(kis.Section("overseas_exchanges")),
                KisOverseasCollar = kis.GetDecimal("overseas_collar", config.KisOverseasCollar, 0m, 0.1m),
                KisRequestsPerSecond = kis.GetString("requests_per_second") is null ? null : kis.GetInt("requests_per_second", KisLimits.RealRequestsPerSecond, 1, 1_000),
                KisTokenCacheDirectory = kis.GetString("token_cache_dir"),
            };
            kis.ReportUnknownKeys();
        }

        if (s.Section("alpaca") is { } alpaca)
        {
            config = config with
            {
                AlpacaTradingUrl = GetUrl(alpaca, "trading_url", "http", "https") ?? config.AlpacaTradingUrl,
                AlpacaTradingStreamUrl = GetUrl(alpaca, "trading_stream_url", "ws", "wss") ?? config.AlpacaTradingStreamUrl,
                AlpacaDataUrl = GetUrl(alpaca, "data_url", "ws", "wss") ?? config.AlpacaDataUrl,
                AlpacaExits = alpaca.GetEnum("exits", config.AlpacaExits, new Dictionary<string, string> { ["venue"] = "venue", ["engine"] = "engine" }),
            };
            alpaca.ReportUnknownKeys();
        }

        s.ReportUnknownKeys();
        return config;
    }

    /// <summary>
    /// <c>kis.overseas_exchanges</c>: US symbol → NASD, NYSE or AMEX (upper case). A six-digit key is a
    /// domestic code, which has no US exchange: an error too.
    /// </summary>
    private static IReadOnlyDictionary<string, string> ReadOverseasExchanges(YamlSection? s)
    {
        if (s is null)
        {
            return System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;
        }

        var exchanges = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string symbol in s.Keys.ToList())
        {
            string? exchange = s.GetString(symbol)?.Trim().ToUpperInvariant();
            if (KisMarkets.IsDomestic(symbol))
            {
                s.Error(symbol, "is a domestic (KRX) code: only US symbols take an exchange");
            }
            else if (!KisMarkets.IsUsExchange(exchange))
            {
                s.Error(symbol, $"must be NASD, NYSE or AMEX, got '{exchange}'");
            }
            else
            {
                exchanges[symbol] = exchange!;
            }
        }

        return exchanges;
    }

    /// <summary>An absolute URL with one of the given schemes, or null when the key is absent.</summary>
    private static Uri? GetUrl(YamlSection s, string key, params string[] schemes)
    {
        if (s.GetString(key) is not { } text)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || !schemes.Contains(uri.Scheme))
        {
            s.Error(key, $"must be an absolute {string.Join(" or ", schemes)} URL, got '{text}'");
            return null;
        }

        return uri.AbsolutePath.EndsWith('/') || schemes[0] != "http" ? uri : new Uri(uri + "/");
    }

    private static AccountConfig ReadAccount(YamlSection? s)
    {
        var config = new AccountConfig();
        if (s is null)
        {
            return config;
        }

        string mode = (s.GetString("TRADING_MODE") ?? s.GetString("trading_mode") ?? "VIRTUAL").Trim().ToUpperInvariant();
        if (mode is not ("REAL" or "VIRTUAL"))
        {
            s.Error(s.Has("TRADING_MODE") ? "TRADING_MODE" : "trading_mode", $"must be REAL or VIRTUAL, got '{mode}'");
            mode = "VIRTUAL";
        }

        var watchList = new List<WatchItem>();
        if (s.Has("watch_list"))
        {
            // Either a plain list of symbols or a list of mappings with per-symbol settings.
            bool plain = s.IsScalarList("watch_list");
            IReadOnlyList<string>? symbols = plain ? s.GetStringList("watch_list") : null;
            IReadOnlyList<YamlSection>? items = plain ? null : s.GetSectionList("watch_list");

            foreach (string symbol in symbols ?? [])
            {
                watchList.Add(new WatchItem(symbol.ToUpperInvariant(), 100m, 0.25));
            }

            foreach (YamlSection item in items ?? [])
            {
                string? symbol = item.GetString("symbol", required: true);
                if (symbol is not null)
                {
                    watchList.Add(new WatchItem(symbol.Trim().ToUpperInvariant(), item.GetDecimal("start_price", 100m, 0.000001m, 100_000_000m), (double)item.GetDecimal("volatility", 0.25m, 0.01m, 5m)));
                }

                item.ReportUnknownKeys();
            }

            if (watchList.Select(w => w.Symbol).Distinct(StringComparer.Ordinal).Count() != watchList.Count)
            {
                s.Error("watch_list", "lists a symbol twice");
            }
        }

        var used = new HashSet<string>(StringComparer.Ordinal) { "TRADING_MODE", "trading_mode", "watch_list", "base_currency", "starting_cash" };
        foreach (string prefix in new[] { "REAL_", "VIRTUAL_" })
        {
            foreach (string suffix in new[] { "APP_KEY", "APP_SECRET", "CANO", "ACNT_PRDT_CD", "URL", "WEBSOCKET_URL" })
            {
                used.Add(prefix + suffix);
            }
        }

        KisAccount? ReadKis(string prefix)
        {
            if (!s.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal)))
            {
                return null;
            }

            string? key = s.GetString(prefix + "APP_KEY");
            string? secret = s.GetString(prefix + "APP_SECRET");
            return new KisAccount(
                key is null ? null : new Secret(key, $"{AccountFile}:{prefix}APP_KEY"),
                secret is null ? null : new Secret(secret, $"{AccountFile}:{prefix}APP_SECRET"),
                s.GetString(prefix + "CANO"),
                s.GetString(prefix + "ACNT_PRDT_CD"),
                s.GetString(prefix + "URL"),
                s.GetString(prefix + "WEBSOCKET_URL"));
        }

        return config with
        {
            TradingMode = mode,
            BaseCurrency = (s.GetString("base_currency") ?? config.BaseCurrency).Trim().ToUpperInvariant(),
            StartingCash = s.GetDecimal("starting_cash", config.StartingCash, 1m, 1_000_000_000_000m),
            WatchList = watchList,
            Real = ReadKis("REAL_"),
            Virtual = ReadKis("VIRTUAL_"),
            IgnoredKeys = [.. s.Keys.Where(k => !used.Contains(k))],
        };
    }

    /// <summary>
    /// Validates a live risk change given as JSON (or YAML) in the file's own keys, on top of the
    /// parameters in force: keys left out keep their current values. The same rules as the file
    /// apply, and errors name <paramref name="source"/> and the key.
    /// </summary>
    public static (RiskParameters? Parameters, IReadOnlyList<ConfigError> Errors) ValidateRiskChange(string text, RiskParameters current, string source)
    {
        ArgumentNullException.ThrowIfNull(current);
        var errors = new List<ConfigError>();
        if (YamlDocument.Parse(text ?? string.Empty, source, "JSON", errors) is not { } stream)
        {
            return (null, errors);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return (null, [new ConfigError(source, string.Empty, "must be a JSON object of risk_management.yaml keys")]);
        }

        var baseline = new EngineOptions { Risk = current.Risk, Sizing = current.Sizing, Exits = current.Exits };
        EngineOptions next = ReadRisk(new YamlSection(root, source, string.Empty, errors), baseline);
        return errors.Count > 0 ? (null, errors) : (new RiskParameters(next.Risk, next.Sizing, next.Exits), errors);
    }

    private static EngineOptions ReadRisk(YamlSection? s, EngineOptions? baseline = null)
    {
        EngineOptions engine = baseline ?? new EngineOptions();
        if (s is null)
        {
            return engine;
        }

        RiskOptions risk = engine.Risk;
        IReadOnlyList<string>? allowed = s.GetStringList("allowed_symbols");
        foreach (string symbol in allowed ?? [])
        {
            if (System.Text.Encoding.UTF8.GetByteCount(symbol) > Engine.Journal.JournalRiskCodec.MaxSymbolBytes)
            {
                s.Error("allowed_symbols", $"'{symbol[..16]}…' is not a symbol: a symbol is at most {Engine.Journal.JournalRiskCodec.MaxSymbolBytes} bytes (UTF-8)");
            }
        }

        risk = risk with
        {
            KillSwitchEngaged = s.GetBool("kill_switch", risk.KillSwitchEngaged),
            MaxDailyLossFraction = s.GetDecimal("max_daily_loss", risk.MaxDailyLossFraction, 0, 1),
            MinConfidence = s.GetDecimal("min_confidence", risk.MinConfidence, 0, 1),
            AllowedSymbols = allowed ?? risk.AllowedSymbols,
            MaxOpenOrders = s.GetInt("max_open_orders", risk.MaxOpenOrders, 1, 100_000),
            PriceCollarFraction = s.GetDecimal("price_collar", risk.PriceCollarFraction, 0, 1),
            DuplicateWindow = s.GetDuration("duplicate_window", risk.DuplicateWindow, TimeSpan.Zero, TimeSpan.FromDays(1)),
            AllowShortSelling = s.GetBool("allow_short_selling", risk.AllowShortSelling),
        };
        if (s.Section("session") is { } session)
        {
            risk = risk with
            {
                SessionStartUtc = session.GetTimeOfDay("start_utc", risk.SessionStartUtc),
                SessionEndUtc = session.GetTimeOfDay("end_utc", risk.SessionEndUtc),
            };
            session.ReportUnknownKeys();
        }

        if (s.Section("rate_limits") is { } rates)
        {
            risk = risk with
            {
                MaxOrdersPerSecond = rates.GetInt("per_second", risk.MaxOrdersPerSecond, 0, 1_000_000),
                MaxOrdersPerMinute = rates.GetInt("per_minute", risk.MaxOrdersPerMinute, 0, 1_000_000),
                MaxOrdersPerDay = rates.GetInt("per_day", risk.MaxOrdersPerDay, 0, 100_000_000),
            };
            rates.ReportUnknownKeys();
        }

        SizingOptions sizing = engine.Sizing;
        if (s.Section("sizing") is { } z)
        {
            sizing = sizing with
            {
                Method = z.GetEnum("method", sizing.Method, s_sizingMethods),
                FractionOfEquity = z.GetDecimal("fraction_of_equity", sizing.FractionOfEquity, 0.0001m, 1),
                RiskPerTradeFraction = z.GetDecimal("risk_per_trade", sizing.RiskPerTradeFraction, 0.0001m, 1),
                AtrMultiple = z.GetDecimal("atr_multiple", sizing.AtrMultiple, 0.1m, 100),
                FixedQuantity = z.GetLong("fixed_quantity", sizing.FixedQuantity, 1, 100_000_000),
                ScaleByConfidence = z.GetBool("scale_by_confidence", sizing.ScaleByConfidence),
                MaxPositionFraction = z.GetDecimal("max_position", sizing.MaxPositionFraction, 0.0001m, 10),
                MaxOrderNotional = z.GetDecimal("max_order_notional", sizing.MaxOrderNotional, 0, 1_000_000_000_000m),
                MaxConcentrationFraction = z.GetDecimal("max_concentration", sizing.MaxConcentrationFraction, 0.0001m, 10),
                LotSize = z.GetLong("lot_size", sizing.LotSize, 1, 1_000_000),
            };
            if (sizing.MaxConcentrationFraction < sizing.MaxPositionFraction)
            {
                z.Error("max_concentration", $"must be at least max_position ({sizing.MaxPositionFraction}), got {sizing.MaxConcentrationFraction}");
            }

            z.ReportUnknownKeys();
        }

        ExitOptions exits = engine.Exits;
        if (s.Section("exits") is { } x)
        {
            exits = exits with
            {
                StopLossFraction = x.GetDecimal("stop_loss", exits.StopLossFraction, 0, 1),
                TakeProfitFraction = x.GetDecimal("take_profit", exits.TakeProfitFraction, 0, 10),
                TrailingStopFraction = x.GetDecimal("trailing_stop", exits.TrailingStopFraction, 0, 1),
            };
            if (exits.StopLossFraction > 0 && exits.TakeProfitFraction > 0 && exits.StopLossFraction >= exits.TakeProfitFraction)
            {
                x.Error("stop_loss", $"must be below take_profit ({exits.TakeProfitFraction}), got {exits.StopLossFraction}");
            }

            x.ReportUnknownKeys();
        }

        RuleOptions rules = engine.Rules;
        if (s.Section("rules") is { } r)
        {
            rules = rules with { RuleConfidence = r.GetDecimal("confidence", rules.RuleConfidence, 0, 1) };
            if (ReadRuleTimeframe(r) is { } shared)
            {
                rules = rules with { Timeframe = shared.Timeframe };
            }

            if (r.Section("momentum") is { } m)
            {
                rules = rules with
                {
                    MomentumEnabled = m.GetBool("enabled", rules.MomentumEnabled),
                    MomentumFastPeriod = m.GetInt("fast_period", rules.MomentumFastPeriod, 1, 10_000),
                    MomentumSlowPeriod = m.GetInt("slow_period", rules.MomentumSlowPeriod, 2, 10_000),
                    MomentumBars = ReadRuleTimeframe(m) ?? rules.MomentumBars, // its own bars beside rules.timeframe
                };
                if (rules.MomentumFastPeriod >= rules.MomentumSlowPeriod)
                {
                    m.Error("fast_period", $"must be below slow_period ({rules.MomentumSlowPeriod}), got {rules.MomentumFastPeriod}");
                }

                m.ReportUnknownKeys();
            }

            if (r.Section("rsi_reversion") is { } rsi)
            {
                rules = rules with
                {
                    RsiReversionEnabled = rsi.GetBool("enabled", rules.RsiReversionEnabled),
                    RsiPeriod = rsi.GetInt("period", rules.RsiPeriod, 2, 10_000),
                    RsiOversold = rsi.GetDecimal("oversold", rules.RsiOversold, 1, 99),
                    RsiOverbought = rsi.GetDecimal("overbought", rules.RsiOverbought, 1, 99),
                    RsiReversionBars = ReadRuleTimeframe(rsi) ?? rules.RsiReversionBars,
                };
                if (rules.RsiOversold >= rules.RsiOverbought)
                {
                    rsi.Error("oversold", $"must be below overbought ({rules.RsiOverbought}), got {rules.RsiOversold}");
                }

                rsi.ReportUnknownKeys();
            }

            r.ReportUnknownKeys();
        }

        s.ReportUnknownKeys();
        return engine with { Risk = risk, Sizing = sizing, Exits = exits, Rules = rules };
    }

    private static CredentialsConfig ReadCredentials(YamlSection? s, Func<string, string?> environment)
    {
        string[] sectionNames = ["kis", "alpaca", "control_api", "mcp", "gateway", "llm", "alerts"];
        Dictionary<string, YamlSection?> sections = sectionNames.ToDictionary(n => n, n => s?.Section(n), StringComparer.Ordinal);

        Secret? Get(string section, string key)
        {
            string? fromFile = sections[section]?.GetString(key); // read even when overridden: it is a known key
            string envName = CredentialEnvironmentVariables[section + "." + key];
            string? fromEnv = environment(envName);
            if (!string.IsNullOrEmpty(fromEnv))
            {
                return new Secret(fromEnv, envName);
            }

            return string.IsNullOrEmpty(fromFile) || IsPlaceholder(fromFile) ? null : new Secret(fromFile, $"{CredentialsFile}:{section}.{key}");
        }

        var config = new CredentialsConfig
        {
            KisAppKey = Get("kis", "app_key"),
            KisAppSecret = Get("kis", "app_secret"),
            AlpacaKeyId = Get("alpaca", "key_id"),
            AlpacaSecretKey = Get("alpaca", "secret_key"),
            ControlApiToken = Get("control_api", "token"),
            McpToken = Get("mcp", "token"),
            GatewayToken = Get("gateway", "token"),
            LlmApiKey = Get("llm", "api_key"),
            AlertWebhookUrl = Get("alerts", "webhook_url"),
            TelegramBotToken = Get("alerts", "telegram_bot_token"),
        };
        foreach (YamlSection? section in sections.Values)
        {
            section?.ReportUnknownKeys();
        }

        s?.ReportUnknownKeys();
        return config;
    }

    /// <summary>
    /// A value still as the example file has it (<c>"&lt;your KIS app key&gt;"</c>): not set. The example
    /// then starts as it is, and a broker or channel that needs the value says it is missing.
    /// </summary>
    private static bool IsPlaceholder(string value) => value.Length > 2 && value[0] == '<' && value[^1] == '>';

    private static DaemonSettings ReadDaemon(YamlSection? s)
    {
        var settings = new DaemonSettings();
        if (s is null)
        {
            return settings;
        }

        if (s.Section("control_api") is { } api)
        {
            settings = settings with
            {
                ControlApiEnabled = api.GetBool("enabled", settings.ControlApiEnabled),
                ControlApiPort = api.GetInt("port", settings.ControlApiPort, 1, 65_535),
                MetricsUnauthenticated = api.GetBool("metrics_unauthenticated", settings.MetricsUnauthenticated),
            };
            api.ReportUnknownKeys();
        }

        if (s.Section("display") is { } display)
        {
            settings = settings with
            {
                DisplayEnabled = display.GetBool("enabled", settings.DisplayEnabled),
                DisplayMode = display.GetEnum("mode", settings.DisplayMode, new Dictionary<string, string> { ["full"] = "full", ["compact"] = "compact" }),
                DisplayRefresh = display.GetDuration("refresh_interval", settings.DisplayRefresh, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)),
                StatusInterval = display.GetDuration("status_interval", settings.StatusInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
            };
            display.ReportUnknownKeys();
        }

        if (s.Section("agents") is { } agents)
        {
            AgentSettings a = settings.Agents;
            a = a with
            {
                Enabled = agents.GetBool("enabled", a.Enabled),
                SlowPoolThreads = agents.GetInt("slow_pool_threads", a.SlowPoolThreads, 0, 64),
                SnapshotInterval = agents.GetDuration("snapshot_interval", a.SnapshotInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10)),
                HealthInterval = agents.GetDuration("health_interval", a.HealthInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
                BarLength = agents.GetDuration("bar_length", a.BarLength, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
                CallTimeout = agents.GetDuration("call_timeout", a.CallTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
                BacktestData = agents.GetString("backtest_data"),
                LlmTranscripts = agents.GetString("llm_transcripts"),
            };
            if (a.LlmTranscripts is { } transcripts && (transcripts.Trim().Length == 0 || transcripts.IndexOfAny(Path.GetInvalidPathChars()) >= 0))
            {
                agents.Error("llm_transcripts", "expected off or a directory path");
            }

            if (a.BacktestData is { } data && Adapters.MarketData.MarketDataFileReader.PathProblem(data) is { } dataProblem)
            {
                agents.Error("backtest_data", dataProblem);
            }
            if (agents.Section("strategy_agent") is { } strategy)
            {
                a = a with
                {
                    StrategyMode = strategy.GetEnum("mode", a.StrategyMode, new Dictionary<string, string> { ["rule"] = "rule", ["llm"] = "llm" }),
                    StrategyInterval = strategy.GetDuration("interval", a.StrategyInterval, TimeSpan.Zero, TimeSpan.FromDays(1)),
                };
                strategy.ReportUnknownKeys();
            }

            a = ReadAgentLimits(agents, a); // agents.limits: ConfigLoader.AgentLimits.cs
            a = a with { Processes = ReadAgentProcesses(agents, a.Enabled) }; // ConfigLoader.AgentProcesses.cs
            settings = settings with { Agents = a };
            agents.ReportUnknownKeys();
        }

        if (s.Section("alerts") is { } alerts)
        {
            settings = settings with { Alerts = ReadAlerts(alerts) };
        }

        if (s.Section("gateway") is { } gateway)
        {
            GatewaySettings g = settings.Gateway;
            g = g with
            {
                Enabled = gateway.GetBool("enabled", g.Enabled),
                Port = gateway.GetInt("port", g.Port, 1, 65_535),
                Auth = gateway.GetBool("auth", g.Auth),
                MaxConnections = gateway.GetInt("max_connections", g.MaxConnections, 1, Adapters.SignalGateway.GatewayOptions.MaxConnectionsLimit),
                MaxLineBytes = gateway.GetInt("max_line_bytes", g.MaxLineBytes, 256, 65_536),
                MaxInFlight = gateway.GetInt("max_in_flight", g.MaxInFlight, 2, 65_536),
                AuthTimeout = gateway.GetDuration("auth_timeout", g.AuthTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
                IdleTimeout = gateway.GetDuration("idle_timeout", g.IdleTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            };
            if ((g.MaxInFlight & (g.MaxInFlight - 1)) != 0)
            {
                gateway.Error("max_in_flight", $"must be a power of two, got {g.MaxInFlight}");
            }

            g = ReadAgentProtocol(gateway, g);

            settings = settings with { Gateway = g };
            gateway.ReportUnknownKeys();
        }

        s.ReportUnknownKeys();
        return settings;
    }

    /// <summary>
    /// Whether <c>mcp_integration.yaml</c> asks for MCP on stdio (enabled, transport stdio), read
    /// even when the file has other problems: the daemon must then keep stdout for MCP frames from
    /// its first write, and its configuration errors go to stderr with everything else.
    /// </summary>
    public static bool McpWantsStdio(string directory)
    {
        if (!File.Exists(Path.Combine(directory, McpFile)))
        {
            return false;
        }

        McpConfig config = ReadMcp(Read(directory, McpFile, [], [])); // problems are reported by the full load
        return config is { Enabled: true, Transport: "stdio" };
    }

    /// <summary><c>mcp_integration.yaml</c> alone with its problems (file, key, reason); defaults when the file is absent.</summary>
    public static (McpConfig? Config, IReadOnlyList<ConfigError> Errors) LoadMcp(string directory)
    {
        var errors = new List<ConfigError>();
        McpConfig config = ReadMcp(Read(directory, McpFile, errors, [])); // the section adds its problems to errors
        return (errors.Count == 0 ? config : null, errors);
    }

    /// <summary>MCP over HTTP without a token is refused: the problem, or null.</summary>
    public static ConfigError? McpTokenProblem(string? directory, McpConfig mcp, CredentialsConfig credentials)
    {
        ArgumentNullException.ThrowIfNull(mcp);
        ArgumentNullException.ThrowIfNull(credentials);
        return mcp is { Enabled: true, Transport: "http" } && credentials.McpToken is null or { IsEmpty: true }
            ? new ConfigError(DisplayPath(directory, McpFile), "transport",
                $"http needs a bearer token: set mcp.token in {CredentialsFile} or {CredentialEnvironmentVariables["mcp.token"]} (or use transport: stdio)")
            : null;
    }

    private static McpConfig ReadMcp(YamlSection? s)
    {
        var config = new McpConfig();
        if (s is null)
        {
            return config;
        }

        config = config with
        {
            Enabled = s.GetBool("enabled", config.Enabled),
            Transport = s.GetEnum("transport", config.Transport, new Dictionary<string, string> { ["stdio"] = "stdio", ["http"] = "http" }),
            HttpPort = s.GetInt("http_port", config.HttpPort, 1, 65_535),
            TradingToolsEnabled = s.GetBool("trading_tools_enabled", config.TradingToolsEnabled),
        };
        IReadOnlyList<string>? tools = s.GetStringList("tools");
        if (tools is not null)
        {
            foreach (string duplicate in tools.GroupBy(t => t, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
            {
                s.Error("tools", $"'{duplicate}' is listed more than once");
            }

            foreach (string tool in tools)
            {
                if (!McpTools.ReadOnly.Contains(tool) && !McpTools.Trading.Contains(tool))
                {
                    s.Error("tools", $"'{tool}' is not a known tool; known: {string.Join(", ", McpTools.ReadOnly.Concat(McpTools.Trading))}");
                }
                else if (McpTools.Trading.Contains(tool) && !config.TradingToolsEnabled)
                {
                    s.Error("tools", $"'{tool}' is a trading tool and needs trading_tools_enabled: true");
                }
            }

            config = config with { Tools = tools };
        }

        s.ReportUnknownKeys();
        return config;
    }

    /// <summary>
    /// The <c>timeframe</c> key of <c>rules</c> (the shared one) or of <c>rules.momentum</c> / <c>rules.rsi_reversion</c>
    /// (the rule's own): null when absent, or when it does not parse (then an error naming the file, the key and why).
    /// </summary>
    private static RuleBars? ReadRuleTimeframe(YamlSection section)
    {
        if (section.GetString("timeframe") is not { } text)
        {
            return null;
        }

        if (TryParseRuleTimeframe(text, out Timeframe? timeframe))
        {
            return new RuleBars(timeframe);
        }

        section.Error("timeframe", RuleTimeframeError(text));
        return null;
    }

    /// <summary>
    /// The rules' timeframe (<c>rules.timeframe</c>, <c>backtest --timeframe</c>): <c>tick</c> = every trade or feed bar
    /// (null), otherwise a length <c>&lt;n&gt;s|m|h|d</c> (<see cref="Timeframe.TryParse"/>).
    /// </summary>
    internal static bool TryParseRuleTimeframe(string text, out Timeframe? timeframe)
    {
        timeframe = null;
        if (string.Equals(text.Trim(), "tick", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!Timeframe.TryParse(text.Trim(), out Timeframe parsed))
        {
            return false;
        }

        timeframe = parsed;
        return true;
    }

    /// <summary>Why a rules timeframe does not parse, with what was given.</summary>
    internal static string RuleTimeframeError(string text) =>
        $"must be tick or a bar length <n>s, <n>m, <n>h or <n>d (e.g. 5m, 1h, 1d), got '{text}'";
}
