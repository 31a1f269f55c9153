using System.Net.Sockets;
using System.Text;
using Orchestrator.Daemon.Hosting;

namespace Orchestrator.Daemon.Tests.Metrics;

/// <summary>sd_notify over a real Unix datagram socket bound by the test, in process and from the daemon as a child process.</summary>
public sealed class SystemdNotifierTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(90);

    /// <summary>A socket standing in for systemd's: receives datagrams in order.</summary>
    private sealed class FakeSystemd : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);

        public FakeSystemd(string address)
        {
            Address = address;
            _socket.Bind(new UnixDomainSocketEndPoint(address.StartsWith('@') ? "\0" + address[1..] : address));
        }

        public string Address { get; }

        public List<string> Received { get; } = [];

        /// <summary>Receives until a message contains <paramref name="line"/> (as one of its lines); null if the guard passes first.</summary>
        public async Task<string?> WaitForAsync(string line, TimeSpan hangGuard)
        {
            using var guard = new CancellationTokenSource(hangGuard);
            byte[] buffer = new byte[4096];
            try
            {
                while (true)
                {
                    int n = await _socket.ReceiveAsync(buffer, SocketFlags.None, guard.Token);
                    string message = Encoding.UTF8.GetString(buffer, 0, n);
                    Received.Add(message);
                    if (message.Split('\n').Contains(line))
                    {
                        return message;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        public void Dispose() => _socket.Dispose();
    }

    [Fact]
    public void NotSetUp_WithoutNotifySocket_OrWithARelativeOne()
    {
        Assert.Null(SystemdNotifier.From(_ => null));
        Assert.Null(SystemdNotifier.From(n => n == SystemdNotifier.SocketVariable ? "relative/path" : null));
    }

    [Fact]
    public async Task Watchdog_IsOff_WhenWatchdogPidNamesAnotherProcess()
    {
        await using SystemdNotifier notifier = SystemdNotifier.From(n => n switch
        {
            SystemdNotifier.SocketVariable => "@orc-none",
            SystemdNotifier.WatchdogVariable => "1000000",
            SystemdNotifier.WatchdogPidVariable => (Environment.ProcessId + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => null,
        })!;
        Assert.Null(notifier.WatchdogInterval);
    }

    [Fact]
    public async Task InProcess_AbstractSocket_ReadyThenWatchdogThenStopping_InOrder()
    {
        using var systemd = new FakeSystemd("@orc-notify-test-" + Guid.NewGuid().ToString("N"));
        SystemdNotifier? notifier = SystemdNotifier.From(n => n switch
        {
            SystemdNotifier.SocketVariable => systemd.Address,
            SystemdNotifier.WatchdogVariable => "100000", // 100 ms: a ping every 50 ms
            _ => null,
        });
        Assert.NotNull(notifier);
        await using (notifier)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(100), notifier.WatchdogInterval);
            bool alive = true;
            notifier.Ready("Trading: test", () => Volatile.Read(ref alive), () => "status now");

            string? ready = await systemd.WaitForAsync("READY=1", s_hang);
            Assert.NotNull(ready);
            Assert.Contains("STATUS=Trading: test", ready, StringComparison.Ordinal);
            Assert.Single(systemd.Received); // READY=1 is the first message
            string? ping = await systemd.WaitForAsync("WATCHDOG=1", s_hang);
            Assert.NotNull(ping);
            Assert.Contains("STATUS=status now", ping, StringComparison.Ordinal);

            await notifier.StoppingAsync("Shutting down");
            Assert.NotNull(await systemd.WaitForAsync("STOPPING=1", s_hang)); // the last message: the pings stopped before it
        }
    }

    [Fact]
    public async Task HaltedEngine_GetsNoWatchdogPings_ButTheStatusGoesOn()
    {
        using var systemd = new FakeSystemd("@orc-notify-test-" + Guid.NewGuid().ToString("N"));
        await using SystemdNotifier notifier = SystemdNotifier.From(n => n switch
        {
            SystemdNotifier.SocketVariable => systemd.Address,
            SystemdNotifier.WatchdogVariable => "100000",
            _ => null,
        })!;
        int statuses = 0;
        notifier.Ready("Trading", () => false, () => "halted " + Interlocked.Increment(ref statuses));

        Assert.NotNull(await systemd.WaitForAsync("READY=1", s_hang));
        Assert.NotNull(await systemd.WaitForAsync("STATUS=halted 3", s_hang)); // three periods have passed
        Assert.DoesNotContain(systemd.Received, m => m.Contains("WATCHDOG=1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutWatchdog_OnlyTheStatusIsRefreshed()
    {
        using var systemd = new FakeSystemd("@orc-notify-test-" + Guid.NewGuid().ToString("N"));
        await using SystemdNotifier notifier = SystemdNotifier.From(n => n == SystemdNotifier.SocketVariable ? systemd.Address : null)!;
        Assert.Null(notifier.WatchdogInterval);
        notifier.StatusInterval = TimeSpan.FromMilliseconds(20);
        notifier.Ready("Trading", () => true, () => "running");

        Assert.NotNull(await systemd.WaitForAsync("READY=1", s_hang));
        Assert.Equal("STATUS=running", await systemd.WaitForAsync("STATUS=running", s_hang));
        Assert.DoesNotContain(systemd.Received, m => m.Contains("WATCHDOG=1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Daemon_UnderNotifySocket_SendsReadyAfterStartUp_WatchdogPings_AndStoppingAtSigterm()
    {
        string dir = Directory.CreateTempSubdirectory("orc-systemd-").FullName;
        try
        {
            using var systemd = new FakeSystemd(Path.Combine(dir, "notify.sock"));
            var environment = new Dictionary<string, string> { [SystemdNotifier.SocketVariable] = systemd.Address, [SystemdNotifier.WatchdogVariable] = "400000" };
            using DaemonProcess daemon = DaemonProcess.Start(dir, Path.Combine(dir, "daemon.log"), ["run", "--ticks-per-second", "500"], environment);

            string? ready = await systemd.WaitForAsync("READY=1", s_hang);
            Assert.True(ready is not null, "no READY=1; daemon output:\n" + daemon.Tail());
            Assert.Single(systemd.Received);
            Assert.Contains("STATUS=Trading: Status: events=", ready, StringComparison.Ordinal);
            Assert.NotNull(await daemon.WaitForLineAsync(l => l.Contains("Step 6/6", StringComparison.Ordinal), s_hang)); // logged before READY was sent
            Assert.True(await systemd.WaitForAsync("WATCHDOG=1", s_hang) is not null, "no WATCHDOG=1; daemon output:\n" + daemon.Tail());

            Assert.True(await daemon.TerminateAsync(s_hang), "the daemon did not stop at SIGTERM");
            Assert.Equal(0, daemon.ExitCode);
            string? stopping = await systemd.WaitForAsync("STOPPING=1", TimeSpan.FromSeconds(5)); // already sent: the process has exited
            Assert.True(stopping is not null, "no STOPPING=1; received: " + string.Join(" | ", systemd.Received));
            Assert.DoesNotContain(systemd.Received.SkipWhile(m => !m.Contains("STOPPING=1", StringComparison.Ordinal)).Skip(1), _ => true);
            int readyLine = daemon.Lines.ToList().FindIndex(l => l.Contains("systemd: READY=1 sent", StringComparison.Ordinal));
            int stepSix = daemon.Lines.ToList().FindIndex(l => l.Contains("Step 6/6", StringComparison.Ordinal));
            Assert.InRange(stepSix, 0, readyLine - 1);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
