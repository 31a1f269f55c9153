namespace Orchestrator.Agents.Alerts;

/// <summary>
/// Somewhere alerts go (webhook, Telegram). Called only from the alert service's background
/// sender for this channel, one alert at a time; a failure is an exception the service retries.
/// </summary>
public interface IAlertChannel
{
    /// <summary>The channel's name in logs and counters ("webhook", "telegram"); never a secret.</summary>
    string Name { get; }

    Task SendAsync(AlertMessage alert, CancellationToken cancellationToken);
}
