using System.Threading.Channels;
using Orchestrator.Agents.Alerts;

namespace Orchestrator.Agents.Tests.Alerts;

/// <summary>An in-memory channel: records what it is sent; can fail every send, or hang until cancelled.</summary>
internal sealed class RecordingChannel(string name = "recording") : IAlertChannel
{
    private readonly Channel<AlertMessage> _sent = Channel.CreateUnbounded<AlertMessage>();
    private int _attempts;

    public string Name => name;

    public bool Fail { get; set; }

    public bool Hang { get; set; }

    public int Attempts => Volatile.Read(ref _attempts);

    public async Task SendAsync(AlertMessage alert, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (Fail)
        {
            throw new HttpRequestException("channel down");
        }

        _sent.Writer.TryWrite(alert);
    }

    /// <summary>The next alert sent, with a hang guard.</summary>
    public async Task<AlertMessage> NextAsync() => await _sent.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>True when nothing more has been sent so far.</summary>
    public bool Empty => !_sent.Reader.TryPeek(out _);
}
