using System.Globalization;
using System.Net.Sockets;
using System.Text;
using NLog;

namespace Orchestrator.Daemon.Hosting;

/// <summary>
/// systemd's <c>Type=notify</c> protocol (sd_notify): newline-separated <c>KEY=VALUE</c> lines in
/// one datagram to the Unix socket named by <c>NOTIFY_SOCKET</c> (a leading <c>@</c> names an
/// abstract socket: a leading NUL). <c>READY=1</c> once start-up is complete, <c>STATUS=…</c> for
/// <c>systemctl status</c>, <c>WATCHDOG=1</c> every half <c>WATCHDOG_USEC</c> while the process is
/// alive and the engine has not halted, <c>STOPPING=1</c> at shutdown.
/// </summary>
/// <remarks>
/// Written here rather than taken from Microsoft.Extensions.Hosting.Systemd: that package ties
/// readiness to the generic host's lifetime, which this daemon does not use (its start-up is the
/// session's six steps). A failed send is logged once and never stops the daemon. Runs on the slow
/// path: the watchdog loop is a timer on the thread pool, so a starved or hung process stops
/// pinging and systemd restarts it.
/// </remarks>
public sealed class SystemdNotifier : IAsyncDisposable
{
    public const string SocketVariable = "NOTIFY_SOCKET";
    public const string WatchdogVariable = "WATCHDOG_USEC";
    public const string WatchdogPidVariable = "WATCHDOG_PID";

    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator");

    private readonly Socket _socket;
    private readonly UnixDomainSocketEndPoint _endPoint;
    private readonly Lock _sendGate = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _watchdog;
    private bool _failureLogged;

    private SystemdNotifier(string socketPath, TimeSpan? watchdogInterval)
    {
        _endPoint = new UnixDomainSocketEndPoint(socketPath.StartsWith('@') ? "\0" + socketPath[1..] : socketPath);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        WatchdogInterval = watchdogInterval;
    }

    /// <summary>The watchdog timeout systemd asked for (<c>WATCHDOG_USEC</c>), or null.</summary>
    public TimeSpan? WatchdogInterval { get; }

    /// <summary>Messages sent so far (for logs and tests).</summary>
    public long Sent { get; private set; }

    /// <summary>
    /// The notifier systemd asked for through the environment, or null when <c>NOTIFY_SOCKET</c> is
    /// not set (not under systemd, or not <c>Type=notify</c>). A <c>WATCHDOG_PID</c> naming another
    /// process turns the watchdog off, as sd_watchdog_enabled does.
    /// </summary>
    public static SystemdNotifier? FromEnvironment() => From(Environment.GetEnvironmentVariable);

    internal static SystemdNotifier? From(Func<string, string?> environment)
    {
        string? socket = environment(SocketVariable);
        if (string.IsNullOrEmpty(socket) || (socket[0] != '/' && socket[0] != '@'))
        {
            return null;
        }

        TimeSpan? watchdog = null;
        string? pid = environment(WatchdogPidVariable);
        bool forUs = string.IsNullOrEmpty(pid) || (int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p == Environment.ProcessId);
        if (forUs && long.TryParse(environment(WatchdogVariable), NumberStyles.None, CultureInfo.InvariantCulture, out long usec) && usec > 0)
        {
            watchdog = TimeSpan.FromMicroseconds(usec);
        }

        return new SystemdNotifier(socket, watchdog);
    }

    /// <summary>Sends <paramref name="state"/> (lines of KEY=VALUE); false if it could not be delivered.</summary>
    public bool Notify(string state)
    {
        ArgumentNullException.ThrowIfNull(state);
        byte[] datagram = Encoding.UTF8.GetBytes(state);
        lock (_sendGate)
        {
            try
            {
                _socket.SendTo(datagram, SocketFlags.None, _endPoint);
                Sent++;
                return true;
            }
            catch (SocketException ex)
            {
                if (!_failureLogged)
                {
                    _failureLogged = true;
                    s_logger.Warn("systemd notification to {0} failed: {1} (further failures are not logged)", Environment.GetEnvironmentVariable(SocketVariable), ex.Message);
                }

                return false;
            }
        }
    }

    /// <summary>Start-up is complete: READY=1 with a status line; starts the watchdog pings if systemd asked for them.</summary>
    /// <param name="status">The status line for <c>systemctl status</c>.</param>
    /// <param name="alive">Asked before each ping; a ping is skipped while it is false (a halted engine), so systemd restarts the daemon.</param>
    /// <param name="statusLine">When given, each ping carries STATUS= with it.</param>
    public void Ready(string status, Func<bool> alive, Func<string>? statusLine = null)
    {
        ArgumentNullException.ThrowIfNull(alive);
        Notify("READY=1\nSTATUS=" + OneLine(status) + "\nMAINPID=" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        if (_watchdog is null && (WatchdogInterval is not null || statusLine is not null))
        {
            // With a watchdog: a ping (and the status) every half its timeout, as sd_watchdog_enabled advises;
            // without one: the status alone every StatusInterval.
            TimeSpan period = WatchdogInterval is { } interval ? interval / 2 : StatusInterval;
            _watchdog = Task.Run(() => PingAsync(period, alive, statusLine, _stop.Token));
        }
    }

    /// <summary>How often STATUS= is refreshed when there is no watchdog.</summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Shutdown has begun: STOPPING=1; the watchdog stops pinging.</summary>
    public async Task StoppingAsync(string status)
    {
        await StopWatchdogAsync().ConfigureAwait(false);
        Notify("STOPPING=1\nSTATUS=" + OneLine(status));
    }

    /// <summary>A STATUS= line only.</summary>
    public bool Status(string status) => Notify("STATUS=" + OneLine(status));

    private async Task PingAsync(TimeSpan period, Func<bool> alive, Func<string>? statusLine, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                bool ping = WatchdogInterval is not null && alive();
                string? line = statusLine is null ? null : "STATUS=" + OneLine(statusLine());
                if (ping || line is not null)
                {
                    Notify(ping ? (line is null ? "WATCHDOG=1" : "WATCHDOG=1\n" + line) : line!);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private async Task StopWatchdogAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_watchdog is { } watchdog)
        {
            await watchdog.ConfigureAwait(false);
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    public async ValueTask DisposeAsync()
    {
        await StopWatchdogAsync().ConfigureAwait(false);
        _socket.Dispose();
        _stop.Dispose();
    }
}
