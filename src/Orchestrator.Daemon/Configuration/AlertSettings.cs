using Orchestrator.Agents.Alerts;

namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// <c>daemon.yaml</c> <c>alerts:</c> — where alerts go besides the log, and how often. The
/// webhook URL and the Telegram bot token are secrets: they come from <c>api_credentials.yaml</c>
/// (<c>alerts.webhook_url</c>, <c>alerts.telegram_bot_token</c>) or the environment, see
/// <see cref="CredentialsConfig"/>.
/// </summary>
public sealed record AlertSettings
{
    /// <summary>De-dup window, rate limit, queue, timeout and retries.</summary>
    public AlertOptions Options { get; init; } = new();

    /// <summary>Manual-intervention alerts (insufficient balance, keys refused, broker outage, network down) engage the kill switch.</summary>
    public bool PauseTrading { get; init; } = true;

    public bool WebhookEnabled { get; init; }

    public bool TelegramEnabled { get; init; }

    /// <summary>The chat (user, group or channel id) the bot writes to; not a secret.</summary>
    public string? TelegramChatId { get; init; }

    /// <summary>The Bot API's base address (a test points it at a local listener).</summary>
    public Uri TelegramApiBaseUrl { get; init; } = new("https://api.telegram.org/");
}
