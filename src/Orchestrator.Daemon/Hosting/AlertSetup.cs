using Orchestrator.Agents.Alerts;
using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon.Hosting;

/// <summary>Builds the alert service from <c>alerts:</c> and the alert secrets: the log always, then the enabled channels.</summary>
public static class AlertSetup
{
    /// <summary>
    /// The service with its channels (not started). <paramref name="http"/> is shared by the
    /// channels (null: one of its own, whose timeouts are the service's per-attempt ones). Every
    /// alert secret is handed to the service to mask in its log lines.
    /// </summary>
    public static AlertService Create(AlertSettings settings, CredentialsConfig credentials, HttpClient? http = null, TimeProvider? time = null, NLog.Logger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(credentials);
        http ??= new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var channels = new List<IAlertChannel>();
        var secrets = new List<string>();
        if (settings.WebhookEnabled && credentials.AlertWebhookUrl is { IsEmpty: false } url)
        {
            channels.Add(new WebhookAlertChannel(http, new Uri(url.Reveal())));
            secrets.Add(url.Reveal());
            secrets.Add(new Uri(url.Reveal()).AbsolutePath); // the token part alone, as a server may echo it
        }

        if (settings.TelegramEnabled && credentials.TelegramBotToken is { IsEmpty: false } token && settings.TelegramChatId is { } chat)
        {
            channels.Add(new TelegramAlertChannel(http, settings.TelegramApiBaseUrl, token.Reveal(), chat));
            secrets.Add(token.Reveal());
        }

        return new AlertService(settings.Options, channels, time, logger, secrets.Where(s => s.Length > 1));
    }

    /// <summary>One line for the start-up log: which channels, where their secrets came from (never the values).</summary>
    public static string Describe(AlertSettings settings, CredentialsConfig credentials)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(credentials);
        var parts = new List<string> { "log" };
        if (settings.WebhookEnabled && credentials.AlertWebhookUrl is { } url)
        {
            parts.Add("webhook (URL from " + url.Source + ")");
        }

        if (settings.TelegramEnabled && credentials.TelegramBotToken is { } token)
        {
            parts.Add("telegram (chat " + settings.TelegramChatId + ", token from " + token.Source + ")");
        }

        return "Alerts to " + string.Join(", ", parts) + "; repeats folded for " + settings.Options.DedupWindow.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture)
            + "s; manual-intervention alerts " + (settings.PauseTrading ? "pause trading (kill switch)" : "do not pause trading");
    }
}
