using System.Text.RegularExpressions;
using Orchestrator.Agents.Alerts;

namespace Orchestrator.Daemon.Configuration;

/// <summary>The <c>alerts:</c> section of <c>daemon.yaml</c> and the alert secrets in <c>api_credentials.yaml</c>.</summary>
public static partial class ConfigLoader
{
    /// <summary>Errors about a secret never quote it; this is said instead.</summary>
    private const string SecretNotShown = "(the value is a secret and is not shown)";

    private static AlertSettings ReadAlerts(YamlSection s)
    {
        var settings = new AlertSettings();
        AlertOptions o = settings.Options;
        o = o with
        {
            DedupWindow = s.GetDuration("dedup_window", o.DedupWindow, TimeSpan.Zero, TimeSpan.FromDays(1)),
            QueueCapacity = s.GetInt("queue_capacity", o.QueueCapacity, 1, 100_000),
            SendTimeout = s.GetDuration("send_timeout", o.SendTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5)),
            MaxRetries = s.GetInt("retries", o.MaxRetries, 0, 10),
            RetryBackoff = s.GetDuration("retry_backoff", o.RetryBackoff, TimeSpan.Zero, TimeSpan.FromMinutes(5)),
        };
        if (s.Section("rate_limit") is { } rate)
        {
            o = o with
            {
                PerMinute = rate.GetInt("per_minute", o.PerMinute, 1, 10_000),
                Burst = rate.GetInt("burst", o.Burst, 1, 10_000),
            };
            rate.ReportUnknownKeys();
        }

        settings = settings with { Options = o, PauseTrading = s.GetBool("pause_trading", settings.PauseTrading) };
        if (s.Section("webhook") is { } webhook)
        {
            settings = settings with { WebhookEnabled = webhook.GetBool("enabled", false) };
            webhook.ReportUnknownKeys();
        }

        if (s.Section("telegram") is { } telegram)
        {
            settings = settings with
            {
                TelegramEnabled = telegram.GetBool("enabled", false),
                TelegramChatId = telegram.GetString("chat_id"),
                TelegramApiBaseUrl = GetUrl(telegram, "api_base_url", "http", "https") ?? settings.TelegramApiBaseUrl,
            };
            if (settings.TelegramEnabled && string.IsNullOrWhiteSpace(settings.TelegramChatId))
            {
                telegram.Error("chat_id", "is required when telegram.enabled is true (the chat, group or channel id the bot writes to)");
            }

            telegram.ReportUnknownKeys();
        }

        s.ReportUnknownKeys();
        return settings;
    }

    /// <summary>
    /// The secrets an enabled channel needs are there and well-formed; errors name where they came
    /// from, never the value. A channel that is off does not read its secret, so it is not checked.
    /// </summary>
    private static void ValidateAlertSecrets(string? directory, AlertSettings alerts, CredentialsConfig credentials, List<ConfigError> errors)
    {
        if (alerts.WebhookEnabled && credentials.AlertWebhookUrl is { } url
            && (!Uri.TryCreate(url.Reveal(), UriKind.Absolute, out Uri? parsed) || parsed.Scheme is not ("http" or "https")))
        {
            errors.Add(SecretError(directory, url, "alerts.webhook_url", "must be an absolute http or https URL " + SecretNotShown));
        }

        if (alerts.TelegramEnabled && credentials.TelegramBotToken is { } token && !BotTokenShape().IsMatch(token.Reveal()))
        {
            errors.Add(SecretError(directory, token, "alerts.telegram_bot_token", "must look like 123456789:AbC-dEf_… (digits, a colon, then letters, digits, - or _) " + SecretNotShown));
        }

        if (alerts.WebhookEnabled && credentials.AlertWebhookUrl is null)
        {
            errors.Add(new ConfigError(DisplayPath(directory, DaemonFile), "alerts.webhook.enabled",
                $"needs a URL: set alerts.webhook_url in {CredentialsFile} or {CredentialEnvironmentVariables["alerts.webhook_url"]}"));
        }

        if (alerts.TelegramEnabled && credentials.TelegramBotToken is null)
        {
            errors.Add(new ConfigError(DisplayPath(directory, DaemonFile), "alerts.telegram.enabled",
                $"needs a bot token: set alerts.telegram_bot_token in {CredentialsFile} or {CredentialEnvironmentVariables["alerts.telegram_bot_token"]}"));
        }
    }

    /// <summary>An error about a secret, at its source: the credentials file's key, or the environment variable.</summary>
    private static ConfigError SecretError(string? directory, Secret secret, string key, string message) =>
        secret.Source.StartsWith(CredentialsFile, StringComparison.Ordinal)
            ? new ConfigError(DisplayPath(directory, CredentialsFile), key, message)
            : new ConfigError("environment", secret.Source, message);

    [GeneratedRegex(@"^[0-9]{3,}:[A-Za-z0-9_-]{20,}$", RegexOptions.CultureInvariant)]
    private static partial Regex BotTokenShape();
}
