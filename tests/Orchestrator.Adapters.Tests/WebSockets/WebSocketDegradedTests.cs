using System.Net;
using System.Net.Sockets;
using Orchestrator.Adapters.WebSockets;

namespace Orchestrator.Adapters.Tests.WebSockets;

/// <summary>Network down: a link whose fast reconnects are used up says so through <see cref="WebSocketManager.Degraded"/>.</summary>
public sealed class WebSocketDegradedTests
{
    [Fact]
    public async Task LinkThatNeverConnects_AfterItsFastReconnects_RaisesDegradedOnce()
    {
        // A port nothing listens on: every connect is refused at once.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var policy = new ReconnectPolicy { Base = TimeSpan.FromMilliseconds(1), Max = TimeSpan.FromMilliseconds(5), MaxFastAttempts = 2, SlowCadence = TimeSpan.FromMinutes(10) };
        using var link = new WebSocketManager("test-link", new Uri("ws://127.0.0.1:" + port + "/"), () => [], _ => { }, policy);
        var degraded = new TaskCompletionSource<WebSocketManager>(TaskCreationOptions.RunContinuationsAsynchronously);
        int raised = 0;
        link.Degraded += l =>
        {
            Interlocked.Increment(ref raised);
            degraded.TrySetResult(l);
        };

        await link.StartAsync();
        WebSocketManager which = await degraded.Task.WaitAsync(TimeSpan.FromSeconds(60)); // hang guard

        Assert.Same(link, which);
        Assert.Equal(ConnectionState.Degraded, link.State);
        Assert.Equal(1, Volatile.Read(ref raised)); // the slow cadence (10 min) has not come round: no second one
    }
}
