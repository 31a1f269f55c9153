using System.Collections.Concurrent;
using Orchestrator.Agents.Alerts;

namespace Orchestrator.Daemon.Tests;

/// <summary>An alert channel that keeps what it was sent, for tests that assert which alerts went out.</summary>
internal sealed class RecordingAlertChannel : IAlertChannel
{
    public ConcurrentQueue<AlertMessage> Sent { get; } = new();

    public string Name => "recording";

    public Task SendAsync(AlertMessage alert, CancellationToken cancellationToken)
    {
        Sent.Enqueue(alert);
        return Task.CompletedTask;
    }
}
