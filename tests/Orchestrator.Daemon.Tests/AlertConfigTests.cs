using Orchestrator.Agents.Alerts;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Hosting;

namespace Orchestrator.Daemon.Tests;

public sealed class AlertConfigTests : IDisposable
{
    private const string WebhookUrl = "https://hooks.example.com/services/T0/B0/WEBHOOKSECRET123";
    private const string BotToken = "123456789:AAH-TelegramSecretToken_0123456789";

    private readonly string _dir = Directory.CreateTempSubdirectory("orc-alerts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (DaemonConfig? Config, IReadOnlyList<ConfigError> Errors) Load(string daemonYaml, string? credentialsYaml, Func<string, string?>? environment = null)
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.DaemonFile), daemonYaml);
        if (credentialsYaml is not null)
        {
            File.WriteAllText(Path.Combine(_dir, ConfigLoader.CredentialsFile), credentialsYaml);
        }

        return ConfigLoader.Load(_dir, environment ?? (_ => null));
    }

    private const string BothEnabled = """
        alerts:
          dedup_window: 30s
          rate_limit: { per_minute: 6, burst: 2 }
          retries: 1
          pause_trading: false
          webhook: { enabled: true }
          telegram: { enabled: true, chat_id: "-100777", api_base_url: "http://127.0.0.1:9/" }
        """;

    [Fact]
    public void AlertsSection_WithSecretsFromTheCredentialsFile_BuildsBothChannels_AndDescribesThemWithoutSecrets()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(BothEnabled, $"alerts:\n  webhook_url: \"{WebhookUrl}\"\n  telegram_bot_token: \"{BotToken}\"\n");

        Assert.Empty(errors);
        AlertSettings alerts = config!.Daemon.Alerts;
        Assert.Equal(TimeSpan.FromSeconds(30), alerts.Options.DedupWindow);
        Assert.Equal(6, alerts.Options.PerMinute);
        Assert.Equal(2, alerts.Options.Burst);
        Assert.Equal(1, alerts.Options.MaxRetries);
        Assert.False(alerts.PauseTrading);
        Assert.Equal("-100777", alerts.TelegramChatId);
        Assert.Equal(new Uri("http://127.0.0.1:9/"), alerts.TelegramApiBaseUrl);
        Assert.Equal("***", config.Credentials.AlertWebhookUrl!.ToString());

        using var http = new HttpClient();
        AlertService service = AlertSetup.Create(alerts, config.Credentials, http);
        Assert.Equal(["webhook", "telegram"], service.Channels);
        Assert.Equal("*** and ***", service.Mask(WebhookUrl + " and " + BotToken));
        string description = AlertSetup.Describe(alerts, config.Credentials);
        Assert.Contains("webhook (URL from api_credentials.yaml:alerts.webhook_url)", description, StringComparison.Ordinal);
        Assert.DoesNotContain("WEBHOOKSECRET", description, StringComparison.Ordinal);
        Assert.DoesNotContain(BotToken, description, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedSecrets_AreErrorsThatNameFileAndKey_ButNeverShowTheValue()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(BothEnabled,
            "alerts:\n  webhook_url: \"ftp://hooks.example.com/WEBHOOKSECRET123\"\n  telegram_bot_token: \"TelegramSecretToken-without-id\"\n");

        Assert.Null(config);
        Assert.Contains(errors, e => e.File.EndsWith(ConfigLoader.CredentialsFile, StringComparison.Ordinal) && e.KeyPath == "alerts.webhook_url"
            && e.Message.Contains("absolute http or https URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.File.EndsWith(ConfigLoader.CredentialsFile, StringComparison.Ordinal) && e.KeyPath == "alerts.telegram_bot_token");
        string all = string.Join("\n", errors.Select(e => e.ToString()));
        Assert.DoesNotContain("WEBHOOKSECRET123", all, StringComparison.Ordinal);
        Assert.DoesNotContain("TelegramSecretToken", all, StringComparison.Ordinal);
        Assert.Contains("not shown", all, StringComparison.Ordinal);
    }

    [Fact]
    public void SecretFromTheEnvironment_WinsOverTheFile_AndItsErrorNamesTheVariable()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(BothEnabled, $"alerts:\n  webhook_url: \"{WebhookUrl}\"\n  telegram_bot_token: \"{BotToken}\"\n",
            name => name == "ORCHESTRATOR_TELEGRAM_BOT_TOKEN" ? "bad token EnvSecretValue" : null);

        Assert.Null(config);
        ConfigError error = Assert.Single(errors);
        Assert.Equal("environment", error.File);
        Assert.Equal("ORCHESTRATOR_TELEGRAM_BOT_TOKEN", error.KeyPath);
        Assert.DoesNotContain("EnvSecretValue", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheExamplesPlaceholders_CountAsUnset_SoChannelsThatAreOffStart_AndEnabledOnesSayWhatIsMissing()
    {
        const string Placeholders = "alerts:\n  webhook_url: \"<https://hooks.slack.com/services/… or a Discord webhook URL>\"\n  telegram_bot_token: \"<123456789:your bot token>\"\n";

        (DaemonConfig? off, IReadOnlyList<ConfigError> offErrors) = Load("alerts:\n  pause_trading: true\n", Placeholders);
        (_, IReadOnlyList<ConfigError> onErrors) = Load(BothEnabled, Placeholders);

        Assert.Empty(offErrors);
        Assert.Null(off!.Credentials.AlertWebhookUrl);
        Assert.Null(off.Credentials.TelegramBotToken);
        Assert.Contains(onErrors, e => e.KeyPath == "alerts.webhook.enabled" && e.Message.StartsWith("needs a URL", StringComparison.Ordinal));
        Assert.Contains(onErrors, e => e.KeyPath == "alerts.telegram.enabled" && e.Message.StartsWith("needs a bot token", StringComparison.Ordinal));
    }

    [Fact]
    public void EnabledChannel_WithoutItsSecretOrChat_IsAnErrorNamingTheKey()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load("""
            alerts:
              webhook: { enabled: true }
              telegram: { enabled: true }
              colour: red
            """, null);

        Assert.Null(config);
        Assert.Contains(errors, e => e.File.EndsWith(ConfigLoader.DaemonFile, StringComparison.Ordinal) && e.KeyPath == "alerts.webhook.enabled"
            && e.Message.Contains("ORCHESTRATOR_ALERT_WEBHOOK_URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.KeyPath == "alerts.telegram.enabled" && e.Message.Contains("ORCHESTRATOR_TELEGRAM_BOT_TOKEN", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.KeyPath == "alerts.telegram.chat_id" && e.Message.Contains("is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.KeyPath == "alerts.colour" && e.Message == "is not a known key");
    }

    [Fact]
    public void CommittedDaemonYaml_StatesTheAlertDefaults()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Orchestrator.LowLatency.sln")))
        {
            dir = dir.Parent;
        }

        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = ConfigLoader.Load(Path.Combine(dir!.FullName, "config"), _ => null);
        Assert.Empty(errors);
        Assert.Equal(new AlertOptions(), config!.Daemon.Alerts.Options);
        Assert.True(config.Daemon.Alerts.PauseTrading);
        Assert.False(config.Daemon.Alerts.WebhookEnabled);
        Assert.False(config.Daemon.Alerts.TelegramEnabled);
    }
}
