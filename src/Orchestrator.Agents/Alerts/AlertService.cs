using System.Globalization;
using System.Threading.Channels;
using NLog;

namespace Orchestrator.Agents.Alerts;

/// <summary>
/// The operator's alerts, on the slow path. <see cref="Alert"/> never blocks and never waits on
/// the network: it writes the log line (always; CRITICAL at NLog's Fatal), folds repeats of a key
/// within the de-dup window (one "N more like this" summary later), and offers the alert to each
/// channel's bounded queue (full: dropped and counted). One background task per channel drains
/// its queue through a token bucket (over the rate: held back, counted, mentioned in the next one
/// sent), with a timeout per attempt and a bounded, doubling retry. A slow or dead channel thus
/// delays only itself. Secrets handed to the constructor are masked in every line it logs.
/// </summary>
/// <remarks>
/// Thread safety: <see cref="Alert"/> may be called from any thread (gateway callbacks, health
/// checks, the control API); the de-dup state is under a lock held for microseconds. Never call
/// it from a ring handler: alerts are not for the engine's fast path.
/// </remarks>
public sealed class AlertService : IAsyncDisposable
{
    public const string LoggerName = "Orchestrator.Alerts";

    private readonly AlertOptions _options;
    private readonly TimeProvider _time;
    private readonly Logger _logger;
    private readonly string[] _secrets;
    private readonly AlertDeduplicator _dedup;
    private readonly Lock _gate = new();
    private readonly Sender[] _senders;
    private readonly CancellationTokenSource _stop = new();
    private ITimer? _flushTimer;
    private volatile bool _stopped;
    private long _raised;
    private long _folded;

    public AlertService(AlertOptions options, IReadOnlyList<IAlertChannel> channels, TimeProvider? time = null, Logger? logger = null, IEnumerable<string>? secrets = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(channels);
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? LogManager.GetLogger(LoggerName);
        _secrets = [.. (secrets ?? []).Where(s => !string.IsNullOrEmpty(s)).OrderByDescending(s => s.Length)];
        _dedup = new AlertDeduplicator(options.DedupWindow);
        DateTimeOffset now = _time.GetUtcNow();
        _senders = [.. channels.Select(c => new Sender(this, c, new AlertRateLimiter(options.PerMinute, options.Burst, now)))];
    }

    /// <summary>Alerts raised (every call, repeats included).</summary>
    public long Raised => Interlocked.Read(ref _raised);

    /// <summary>Alerts folded into a later summary by de-duplication.</summary>
    public long Folded => Interlocked.Read(ref _folded);

    /// <summary>Alerts dropped because a channel's queue was full (all channels).</summary>
    public long Dropped => _senders.Sum(s => Interlocked.Read(ref s.Dropped));

    /// <summary>Alerts a channel did not send because of its rate limit (all channels).</summary>
    public long RateLimited => _senders.Sum(s => Interlocked.Read(ref s.HeldBackTotal));

    /// <summary>Alerts channels sent (all channels).</summary>
    public long Sent => _senders.Sum(s => Interlocked.Read(ref s.SentCount));

    /// <summary>Alerts a channel gave up on after its retries (all channels).</summary>
    public long Failed => _senders.Sum(s => Interlocked.Read(ref s.FailedCount));

    /// <summary>The channels' names (the log is always there besides them).</summary>
    public IReadOnlyList<string> Channels => [.. _senders.Select(s => s.Channel.Name)];

    /// <summary>Starts the channels' senders and the timer that sends de-dup summaries.</summary>
    public void Start()
    {
        foreach (Sender sender in _senders)
        {
            sender.Start();
        }

        TimeSpan period = TimeSpan.FromTicks(Math.Clamp(_options.DedupWindow.Ticks / 4, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
        _flushTimer = _time.CreateTimer(static s => ((AlertService)s!).FlushDue(), this, period, period);
    }

    /// <summary>Raises an alert. Returns at once: the log line is written, the channels are sent to in the background.</summary>
    public void Alert(AlertSeverity severity, string kind, string key, string message, IReadOnlyDictionary<string, string>? fields = null)
    {
        Interlocked.Increment(ref _raised);
        var alert = new AlertMessage(severity, kind, key, message, fields ?? System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty, _time.GetUtcNow());
        bool send;
        IReadOnlyList<AlertMessage> due;
        lock (_gate)
        {
            due = _dedup.TakeDue(alert.At); // first: an ended window's summary goes before a new window opens
            send = _dedup.Offer(alert, alert.At);
        }

        foreach (AlertMessage summary in due)
        {
            Dispatch(summary);
        }

        if (send)
        {
            Dispatch(alert);
        }
        else
        {
            Interlocked.Increment(ref _folded);
            Log(LogLevel.Debug, alert, "(repeat, folded into a later summary)");
        }
    }

    /// <summary>Sends the summaries of de-dup windows that have ended (the timer calls this too).</summary>
    public void FlushDue()
    {
        IReadOnlyList<AlertMessage> due;
        lock (_gate)
        {
            due = _dedup.TakeDue(_time.GetUtcNow());
        }

        foreach (AlertMessage summary in due)
        {
            Dispatch(summary);
        }
    }

    /// <summary>Replaces every configured secret in <paramref name="text"/> with <c>***</c>.</summary>
    public string Mask(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (string secret in _secrets)
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>Stops the senders; alerts still queued are not sent (their log lines were written).</summary>
    /// <summary>
    /// Lets every channel send what is queued (due de-dup summaries included), waiting at most
    /// <paramref name="timeout"/>; for a process about to exit (a failed start-up), whose last
    /// alert must still reach a person. Alerts raised afterwards go to the log only.
    /// </summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        FlushDue();
        _stopped = true;
        foreach (Sender sender in _senders)
        {
            sender.Queue.Writer.TryComplete();
        }

        try
        {
            await Task.WhenAll(_senders.Select(s => s.Completion)).WaitAsync(timeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.Warn("Alerts: {0} channel(s) did not finish sending within {1:0}s", _senders.Count(s => !s.Completion.IsCompleted), timeout.TotalSeconds);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_flushTimer is not null)
        {
            await _flushTimer.DisposeAsync().ConfigureAwait(false);
        }

        FlushDue();
        _stopped = true; // from here on: the log only
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (Sender sender in _senders)
        {
            await sender.StopAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private void Dispatch(AlertMessage alert)
    {
        Log(alert.Severity switch
        {
            AlertSeverity.Critical => LogLevel.Fatal,
            AlertSeverity.Warning => LogLevel.Warn,
            _ => LogLevel.Info,
        }, alert, null);
        if (_stopped)
        {
            return;
        }

        foreach (Sender sender in _senders)
        {
            if (!sender.Queue.Writer.TryWrite(alert))
            {
                Interlocked.Increment(ref sender.Dropped);
                _logger.Warn("Alert channel {0}: queue full ({1}); alert '{2}' dropped", sender.Channel.Name, _options.QueueCapacity, alert.Key);
            }
        }
    }

    private void Log(LogLevel level, AlertMessage alert, string? note)
    {
        if (!_logger.IsEnabled(level))
        {
            return;
        }

        string fields = alert.Fields.Count == 0 ? string.Empty : " " + string.Join(" ", alert.Fields.Select(f => f.Key + "=" + f.Value));
        var entry = LogEventInfo.Create(level, _logger.Name, CultureInfo.InvariantCulture, Mask("ALERT " + alert.Text + fields + (note is null ? string.Empty : " " + note)));
        entry.Properties["event"] = "alert";
        entry.Properties["kind"] = alert.Kind;
        entry.Properties["key"] = alert.Key;
        _logger.Log(entry);
    }

    /// <summary>One channel's queue and its sender task.</summary>
    private sealed class Sender(AlertService service, IAlertChannel channel, AlertRateLimiter limiter)
    {
        public long Dropped;
        public long HeldBackTotal;
        public long SentCount;
        public long FailedCount;
        private int _heldBack;
        private Task _task = Task.CompletedTask;

        public IAlertChannel Channel { get; } = channel;

        public Channel<AlertMessage> Queue { get; } = System.Threading.Channels.Channel.CreateBounded<AlertMessage>(
            new BoundedChannelOptions(service._options.QueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

        public void Start() => _task = Task.Run(RunAsync);

        /// <summary>Completes when the sender has stopped (its queue completed and emptied, or the service stopped).</summary>
        public Task Completion => _task;

        public async Task StopAsync()
        {
            Queue.Writer.TryComplete();
            await _task.ConfigureAwait(false);
        }

        private async Task RunAsync()
        {
            CancellationToken stop = service._stop.Token;
            try
            {
                await foreach (AlertMessage next in Queue.Reader.ReadAllAsync(stop).ConfigureAwait(false))
                {
                    AlertMessage alert = next;
                    if (!limiter.TryTake(service._time.GetUtcNow()))
                    {
                        _heldBack++;
                        Interlocked.Increment(ref HeldBackTotal);
                        continue;
                    }

                    if (_heldBack > 0)
                    {
                        alert = alert with { Message = alert.Message + " (" + _heldBack.ToString(CultureInfo.InvariantCulture) + " earlier alerts held back by the rate limit)" };
                        _heldBack = 0;
                    }

                    await SendWithRetriesAsync(alert, stop).ConfigureAwait(false);
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                // stopping: whatever a channel throws as it is cancelled (some wrap the cancellation) ends the sender quietly
            }
        }

        private async Task SendWithRetriesAsync(AlertMessage alert, CancellationToken stop)
        {
            AlertOptions options = service._options;
            for (int attempt = 0; ; attempt++)
            {
                using var timeout = new CancellationTokenSource(options.SendTimeout, service._time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
                try
                {
                    await Channel.SendAsync(alert, linked.Token).ConfigureAwait(false);
                    Interlocked.Increment(ref SentCount);
                    return;
                }
                catch (Exception ex) when (!stop.IsCancellationRequested)
                {
                    string why = timeout.IsCancellationRequested ? "timed out after " + options.SendTimeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + "s" : ex.GetType().Name + ": " + ex.Message;
                    if (attempt >= options.MaxRetries)
                    {
                        service._logger.Error(service.Mask(string.Create(CultureInfo.InvariantCulture,
                            $"Alert channel {Channel.Name}: gave up on alert '{alert.Key}' after {attempt + 1} attempts ({why})")));
                        Interlocked.Increment(ref FailedCount); // after the log line: whoever sees the count can read the line
                        return;
                    }

                    TimeSpan delay = options.RetryBackoff * (1 << Math.Min(attempt, 10));
                    service._logger.Warn(service.Mask(string.Create(CultureInfo.InvariantCulture,
                        $"Alert channel {Channel.Name}: attempt {attempt + 1} failed ({why}); retry in {delay.TotalMilliseconds:0}ms")));
                    await Task.Delay(delay, service._time, stop).ConfigureAwait(false);
                }
            }
        }
    }
}
