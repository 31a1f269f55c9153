using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine.Options;

namespace Orchestrator.Daemon.Tests;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly Func<string, string?> s_noEnvironment = _ => null;

    private (DaemonConfig? Config, IReadOnlyList<ConfigError> Errors) Load(params (string File, string Yaml)[] files)
    {
        foreach ((string file, string yaml) in files)
        {
            File.WriteAllText(Path.Combine(_dir, file), yaml);
        }

        return ConfigLoader.Load(_dir, s_noEnvironment);
    }

    private string Shown(string file) => Path.Combine(_dir, file);

    private static string RepositoryConfigDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Orchestrator.LowLatency.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return Path.Combine(dir.FullName, "config");
    }

    [Fact]
    public void CommittedConfiguration_IsValid_AndStatesTheEmbeddedDefaults()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = ConfigLoader.Load(RepositoryConfigDirectory(), s_noEnvironment);
        Assert.Empty(errors);
        DaemonConfig defaults = ConfigLoader.Defaults(s_noEnvironment);
        Assert.Equal(defaults.Engine.Risk with { AllowedSymbols = [] }, config!.Engine.Risk with { AllowedSymbols = [] });
        Assert.Empty(config.Engine.Risk.AllowedSymbols);
        Assert.Equal(defaults.Engine.Sizing, config.Engine.Sizing);
        Assert.Equal(defaults.Engine.Exits, config.Engine.Exits);
        Assert.Equal(defaults.Engine.Rules, config.Engine.Rules);
        Assert.Equal(defaults.Broker, config.Broker);
        Assert.Equal(["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL"], config.Engine.Symbols);
    }

    [Fact]
    public void NoFiles_MeansDefaults()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load();
        Assert.Empty(errors);
        Assert.Equal(new RiskOptions().MaxDailyLossFraction, config!.Engine.Risk.MaxDailyLossFraction);
        Assert.Equal("paper", config.Broker.Adapter);
        Assert.Empty(config.FilesRead);
    }

    [Theory]
    [InlineData("max_daily_loss: 3", "max_daily_loss: must be between 0 and 1, got 3")]
    [InlineData("min_confidence: high", "min_confidence: must be a number, got 'high'")]
    [InlineData("max_open_orders: 0", "max_open_orders: must be between 1 and 100000, got 0")]
    [InlineData("duplicate_window: soon", "duplicate_window: must be a duration such as 2s, 500ms or 5m, got 'soon'")]
    [InlineData("kill_switch: maybe", "kill_switch: must be true or false, got 'maybe'")]
    [InlineData("session: { start_utc: '25:00' }", "session.start_utc: must be a UTC time of day such as 13:30, got '25:00'")]
    [InlineData("rate_limits: { per_second: -1 }", "rate_limits.per_second: must be between 0 and 1000000, got -1")]
    [InlineData("sizing: { method: martingale }", "sizing.method: must be one of fixed_fraction, volatility, fixed_quantity, got 'martingale'")]
    [InlineData("sizing: { max_position: 0.3, max_concentration: 0.2 }", "sizing.max_concentration: must be at least max_position (0.3), got 0.2")]
    [InlineData("exits: { stop_loss: 0.05, take_profit: 0.04 }", "exits.stop_loss: must be below take_profit (0.04), got 0.05")]
    [InlineData("rules: { momentum: { fast_period: 30, slow_period: 26 } }", "rules.momentum.fast_period: must be below slow_period (26), got 30")]
    [InlineData("rules: { rsi_reversion: { oversold: 80 } }", "rules.rsi_reversion.oversold: must be below overbought (70), got 80")]
    [InlineData("rules: { timeframe: 5 }", "rules.timeframe: must be tick or a bar length <n>s, <n>m, <n>h or <n>d (e.g. 5m, 1h, 1d), got '5'")]
    [InlineData("rules: { timeframe: 0m }", "rules.timeframe: must be tick or a bar length <n>s, <n>m, <n>h or <n>d (e.g. 5m, 1h, 1d), got '0m'")]
    [InlineData("rules: { momentum: { timeframe: 5 } }", "rules.momentum.timeframe: must be tick or a bar length <n>s, <n>m, <n>h or <n>d (e.g. 5m, 1h, 1d), got '5'")]
    [InlineData("rules: { rsi_reversion: { timeframe: hourly } }", "rules.rsi_reversion.timeframe: must be tick or a bar length <n>s, <n>m, <n>h or <n>d (e.g. 5m, 1h, 1d), got 'hourly'")]
    [InlineData("max_dialy_loss: 0.02", "max_dialy_loss: is not a known key")]
    [InlineData("sizing: { lot: 100 }", "sizing.lot: is not a known key")]
    public void RiskFile_InvalidValue_IsReportedWithFileKeyAndReason(string yaml, string expected)
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(("risk_management.yaml", yaml));
        Assert.Null(config);
        ConfigError error = Assert.Single(errors);
        Assert.EndsWith(expected, error.ToString(), StringComparison.Ordinal);
        Assert.StartsWith(Shown("risk_management.yaml") + ":1:", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rules: { timeframe: 5m }", "5m")]
    [InlineData("rules: { timeframe: 1d }", "1d")]
    [InlineData("rules: { timeframe: tick }", null)]
    [InlineData("rules: { confidence: 0.5 }", null)]
    public void RiskFile_RulesTimeframe_IsTheBarLengthTheRulesComputeOn(string yaml, string? expected)
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(("risk_management.yaml", yaml));
        Assert.Empty(errors);
        Assert.Equal(expected, config!.Engine.Rules.Timeframe?.ToString());
    }

    [Theory]
    [InlineData("rules: { timeframe: 1h, momentum: { timeframe: 1d } }", "1d", "1h")]
    [InlineData("rules: { timeframe: 1h, rsi_reversion: { timeframe: tick } }", "1h", null)]
    [InlineData("rules: { momentum: { timeframe: 15m }, rsi_reversion: { timeframe: 5m } }", "15m", "5m")]
    [InlineData("rules: { timeframe: 5m }", "5m", "5m")]
    public void RiskFile_ARulesOwnTimeframe_StandsBesideTheShared(string yaml, string? momentum, string? rsi)
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(("risk_management.yaml", yaml));
        Assert.Empty(errors);
        Assert.Equal((momentum, rsi), (config!.Engine.Rules.MomentumTimeframe?.ToString(), config.Engine.Rules.RsiReversionTimeframe?.ToString()));
    }

    [Fact]
    public void EveryProblem_IsReportedAtOnce_AcrossFiles()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(
            ("risk_management.yaml", "max_daily_loss: 3\nmin_confidence: 2\n"),
            ("broker_config.yaml", "paper: { slippage_bps: -5 }\n"));
        Assert.Null(config);
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.ToString() == Shown("risk_management.yaml") + ":2:17: min_confidence: must be between 0 and 1, got 2");
    }

    [Fact]
    public void MalformedYaml_NamesFileLineAndColumn()
    {
        (_, IReadOnlyList<ConfigError> errors) = Load(("risk_management.yaml", "max_daily_loss: 0.02\nsizing:\n  method: [unclosed\n"));
        ConfigError error = Assert.Single(errors);
        Assert.Equal(Shown("risk_management.yaml"), error.File);
        Assert.True(error.Line >= 3, error.ToString());
        Assert.Contains("malformed YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnclosedFlowSequenceAboveMoreKeys_IsOneErrorNamingLineColumnAndKey_NotAnException()
    {
        const string Edit = "kill_switch: false\nmax_daily_loss: [0.02\nmin_confidence: 0.6\n"; // YamlDotNet's scanner throws InvalidOperationException here

        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(("risk_management.yaml", Edit));
        (RiskParameters? change, IReadOnlyList<ConfigError> changeErrors) = ConfigLoader.ValidateRiskChange(Edit, new RiskParameters(new(), new(), new()), "control API");

        Assert.Null(config);
        Assert.StartsWith(Shown("risk_management.yaml") + ":2:17: max_daily_loss: malformed YAML", Assert.Single(errors).ToString(), StringComparison.Ordinal);
        Assert.Null(change);
        Assert.StartsWith("control API:2:17: max_daily_loss: malformed JSON", Assert.Single(changeErrors).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void KisStyleAccountFile_IsParsed_AndUnknownKeysAreKeptNotErrors()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(("myStockInfo.yaml", """
            REAL_APP_KEY: real-key
            REAL_APP_SECRET: real-secret
            REAL_CANO: "12345678"
            REAL_ACNT_PRDT_CD: "01"
            REAL_URL: https://openapi.koreainvestment.com:9443
            REAL_WEBSOCKET_URL: ws://ops.koreainvestment.com:21000
            VIRTUAL_APP_KEY: paper-key
            VIRTUAL_CANO: "50000000"
            TRADING_MODE: REAL
            MY_AGENT: "tool-specific value"
            watch_list: [005930, aapl]
            starting_cash: 5000000
            base_currency: krw
            """));
        Assert.Empty(errors);
        AccountConfig account = config!.Account;
        Assert.Equal("REAL", account.TradingMode);
        Assert.Equal("12345678", account.Active!.AccountNumber);
        Assert.Equal("real-key", account.Active.AppKey!.Reveal());
        Assert.Equal("50000000", account.Virtual!.AccountNumber);
        Assert.Equal(["MY_AGENT"], account.IgnoredKeys);
        Assert.Equal(["005930", "AAPL"], config.Engine.Symbols);
        Assert.Equal(5_000_000m, config.Engine.StartingCash);
        Assert.Equal("KRW", account.BaseCurrency);
    }

    [Fact]
    public void TradingMode_MustBeRealOrVirtual()
    {
        (_, IReadOnlyList<ConfigError> errors) = Load(("myStockInfo.yaml", "TRADING_MODE: LIVE\n"));
        Assert.EndsWith("TRADING_MODE: must be REAL or VIRTUAL, got 'LIVE'", Assert.Single(errors).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_FromEnvironment_WinOverTheFile_AndNeverPrint()
    {
        File.WriteAllText(Path.Combine(_dir, "api_credentials.yaml"), "control_api: { token: from-file }\nkis: { app_key: file-key }\n");
        (DaemonConfig? config, _) = ConfigLoader.Load(_dir, name => name == "ORCHESTRATOR_API_TOKEN" ? "from-env" : null);

        Assert.Equal("from-env", config!.Credentials.ControlApiToken!.Reveal());
        Assert.Equal("ORCHESTRATOR_API_TOKEN", config.Credentials.ControlApiToken.Source);
        Assert.Equal("file-key", config.Credentials.KisAppKey!.Reveal());
        Assert.Equal(Secret.Mask, config.Credentials.KisAppKey.ToString());
        Assert.DoesNotContain("file-key", config.Credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("from-env", config.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CredentialsFile_ReadableByOthers_GivesAWarning()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string path = Path.Combine(_dir, "api_credentials.yaml");
        File.WriteAllText(path, "llm: { api_key: x }\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        (DaemonConfig? open, _) = ConfigLoader.Load(_dir, s_noEnvironment);
        Assert.Contains(open!.Warnings, w => w.Contains("chmod 600", StringComparison.Ordinal));

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        (DaemonConfig? closed, _) = ConfigLoader.Load(_dir, s_noEnvironment);
        Assert.Empty(closed!.Warnings);
    }

    [Fact]
    public void RealBroker_NeedsTheAccountFile_KeysAndAddresses_AllNamedAtOnce()
    {
        (_, IReadOnlyList<ConfigError> errors) = Load(("broker_config.yaml", "adapter: kis\n"));
        Assert.Contains(errors, e => e.ToString().Contains("myStockInfo.yaml: is required when broker_config.yaml selects the 'kis' adapter", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.ToString().Contains("api_credentials.yaml: kis.app_key: is required for the kis adapter", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.ToString().Contains("api_credentials.yaml: kis.app_secret: is required for the kis adapter", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.ToString().Contains("broker_config.yaml: kis.rest_url: is required for the kis adapter", StringComparison.Ordinal));
    }

    [Fact]
    public void KisAccount_AtTheSimulator_IsValid_AndBuildsTheVenue()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = ConfigLoader.Load(Path.Combine(RepositoryConfigDirectory(), "examples", "kis-simulator"), s_noEnvironment);
        Assert.Empty(errors);
        VenueSettings venue = DaemonCli.BuildVenue(config!)!;
        Assert.Equal("kis", venue.Adapter);
        Assert.Equal(new Uri("http://127.0.0.1:18080/"), venue.KisRestUrl);
        Assert.Equal("50000000", venue.Kis!.AccountNumber);
        Assert.False(venue.Kis.RealAccount);
        Assert.DoesNotContain("SIM-APP-SECRET", venue.Kis.ToString(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMilliseconds(500), venue.Gateway.PollInterval);
    }

    [Fact]
    public void KisLimits_AreRead_AndAWatchListOverKisRealtimeCap_IsAnErrorNamingTheCount()
    {
        string source = Path.Combine(RepositoryConfigDirectory(), "examples", "kis-simulator");
        foreach (string file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(_dir, Path.GetFileName(file)));
        }

        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = ConfigLoader.Load(_dir, s_noEnvironment);
        Assert.Empty(errors);
        Assert.Equal(20, DaemonCli.BuildVenue(config!)!.KisLimits.RequestsPerSecond);

        string symbols = string.Join(", ", Enumerable.Range(100_000, 41).Select(i => "\"" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\""));
        string account = File.ReadAllText(Path.Combine(_dir, "myStockInfo.yaml")).Replace("watch_list: [\"005930\", \"000660\", \"035420\"]", "watch_list: [" + symbols + "]", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_dir, "myStockInfo.yaml"), account);
        File.AppendAllText(Path.Combine(_dir, "broker_config.yaml"), "  hts_id: SIMHTS\n");

        (_, errors) = ConfigLoader.Load(_dir, s_noEnvironment);
        ConfigError error = Assert.Single(errors);
        Assert.Equal("watch_list", error.KeyPath);
        Assert.Contains("42 real-time registrations (41 symbols' trades + execution notices)", error.Message, StringComparison.Ordinal);
        Assert.Contains("KIS allows 41 per WebSocket session", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Alpaca_NeedsItsKeys_AndBadUrlsAreNamed()
    {
        (_, IReadOnlyList<ConfigError> errors) = Load(
            ("broker_config.yaml", "adapter: alpaca\nalpaca:\n  trading_url: ftp://example.com\nretry:\n  max_attempts: 3\n"),
            ("myStockInfo.yaml", "watch_list: [AAPL]\n"));
        Assert.Contains(errors, e => e.ToString().Contains("api_credentials.yaml: alpaca.key_id: is required for the alpaca adapter (or ORCHESTRATOR_ALPACA_KEY_ID)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.ToString().Contains("alpaca.trading_url: must be an absolute http or https URL, got 'ftp://example.com'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.KeyPath == "retry.max_attempts"); // renamed to max_retries: an unknown key is an error
    }

    [Fact]
    public void McpTradingTools_NeedToBeEnabledExplicitly()
    {
        (_, IReadOnlyList<ConfigError> errors) = Load(("mcp_integration.yaml", "tools: [get_portfolio, submit_signal, launch_rockets]\n"));
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Message.Contains("'submit_signal' is a trading tool", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("'launch_rockets' is not a known tool", StringComparison.Ordinal));
    }

    [Fact]
    public void AgentModel_IsValidated()
    {
        (_, IReadOnlyList<ConfigError> errors) = Load(("agent_model.yaml", "agents:\n  strategy_agent: { provider: openai, temperature: 3, endpoint: not-a-url }\n"));
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.KeyPath == "agents.strategy_agent.model" && e.Message == "is required");
        Assert.Contains(errors, e => e.KeyPath == "agents.strategy_agent.temperature");
        Assert.Contains(errors, e => e.KeyPath == "agents.strategy_agent.endpoint");
    }

    [Fact]
    public void CheckConfig_PrintsOneLinePerProblem_AndReturns2()
    {
        File.WriteAllText(Path.Combine(_dir, "risk_management.yaml"), "max_daily_loss: 3\nexits: { stop_loss: 0.5, take_profit: 0.1 }\n");
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(2, DaemonCli.CheckConfig(_dir, output, error));
        string[] lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal("2 configuration problem(s) in '" + _dir + "'", lines[2].TrimEnd());

        File.WriteAllText(Path.Combine(_dir, "risk_management.yaml"), "max_daily_loss: 0.03\n");
        Assert.Equal(0, DaemonCli.CheckConfig(_dir, output, error));
        Assert.Contains("configuration OK", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void DaemonFile_EnablingTheControlApi_NeedsAToken()
    {
        (_, IReadOnlyList<ConfigError> errors) = Load(("daemon.yaml", "control_api: { enabled: true, port: 9090 }\ndisplay: { mode: tiny }\n"));
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.KeyPath == "control_api.enabled" && e.Message.StartsWith("needs a bearer token", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.KeyPath == "display.mode");

        (DaemonConfig? config, IReadOnlyList<ConfigError> none) = ConfigLoader.Load(_dir, n => n == "ORCHESTRATOR_API_TOKEN" ? "t" : null);
        Assert.Single(none); // the display mode is still wrong
        Assert.Null(config);
    }

    [Fact]
    public void KisOverseasExchanges_AndCollar_ReachTheVenue_AndBadValuesAreNamed()
    {
        const string account = "TRADING_MODE: VIRTUAL\nVIRTUAL_APP_KEY: k\nVIRTUAL_APP_SECRET: s\nVIRTUAL_CANO: \"50000000\"\nVIRTUAL_ACNT_PRDT_CD: \"01\"\nwatch_list: [AAPL, IBM]\n";
        const string broker = "adapter: kis\nkis:\n  rest_url: http://127.0.0.1:18080/\n  websocket_url: ws://127.0.0.1:18080/\n  overseas_exchanges: { AAPL: NASD, IBM: nyse }\n  overseas_collar: 0.01\n";
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(("myStockInfo.yaml", account), ("broker_config.yaml", broker));
        Assert.Empty(errors);
        VenueSettings venue = DaemonCli.BuildVenue(config!)!;
        Assert.Equal(("NASD", "NYSE"), (venue.KisOverseasExchanges["AAPL"], venue.KisOverseasExchanges["IBM"]));
        Assert.Equal(0.01m, venue.KisOverseasCollar);
        Assert.Equal(0.005m, new BrokerConfig().KisOverseasCollar);

        (_, errors) = Load(("broker_config.yaml", broker.Replace("IBM: nyse", "IBM: LSE, \"005930\": NASD", StringComparison.Ordinal).Replace("0.01", "0.5", StringComparison.Ordinal)));
        Assert.Contains(errors, e => e.File.EndsWith("broker_config.yaml", StringComparison.Ordinal) && e.ToString().EndsWith(": kis.overseas_exchanges.IBM: must be NASD, NYSE or AMEX, got 'LSE'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.KeyPath == "kis.overseas_exchanges.005930" && e.Message.StartsWith("is a domestic (KRX) code", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.KeyPath == "kis.overseas_collar");
        Assert.Equal(3, errors.Count);
    }
}
