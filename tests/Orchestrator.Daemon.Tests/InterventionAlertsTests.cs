using Orchestrator.Adapters.Kis;
using Orchestrator.Adapters.Venues;
using Orchestrator.Agents.Alerts;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine.Ring;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// The manual-intervention hooks end to end: a daemon session trading on the KIS simulator, the
/// simulator made to fail the way a broker does, and the alert service with a recording channel.
/// Each situation must raise a CRITICAL alert and engage the engine's kill switch.
/// </summary>
public sealed class InterventionAlertsTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);

    private static SessionOptions Options(KisSimulator simulator)
    {
        SessionOptions defaults = DaemonCli.BuildOptions(seed: 7, ticksPerSecond: 0, WaitStrategyKind.Blocking);
        return defaults with
        {
            Engine = defaults.Engine with
            {
                Symbols = ["005930", "000660"],
                Sizing = defaults.Engine.Sizing with { MaxOrderNotional = 0m },
                Risk = defaults.Engine.Risk with { DuplicateWindow = TimeSpan.Zero },
            },
            Venue = new VenueSettings
            {
                Adapter = "kis",
                Kis = new KisCredentials(KisSimulator.AppKey, KisSimulator.AppSecret, "50000000", "01", realAccount: false),
                KisRestUrl = simulator.BaseAddress,
                KisWebSocketUrl = new Uri("ws://" + simulator.BaseAddress.Authority + "/"),
                KisLimits = new KisLimits { RequestsPerSecond = 1_000, TokenRequestsPerSecond = 1_000 }, // the simulator is not KIS: no need to wait
                Gateway = new VenueGatewayOptions
                {
                    PollInterval = TimeSpan.FromMilliseconds(100),
                    Backoff = TimeSpan.FromMilliseconds(5),
                    RequestTimeout = TimeSpan.FromSeconds(5),
                    RequestsPerSecond = 200,
                    MaxRetries = 1,
                    BreakerMinimumThroughput = 2,
                },
            },
        };
    }

    private static Task WaitForAsync(Func<bool> condition, string what) => Waits.UntilAsync(condition, what, s_hang);

    /// <summary>Trades until an order went out, applies <paramref name="fault"/> (true: it stopped the simulator), waits for the alert and the pause.</summary>
    private static async Task<AlertMessage> RunUntilAlertAsync(Func<KisSimulator, Task<bool>> fault, string kind)
    {
        KisSimulator simulator = await KisSimulator.StartAsync();
        bool stopped = false;
        try
        {
            return await RunUntilAlertAsync(simulator, async s => stopped = await fault(s), kind);
        }
        finally
        {
            if (!stopped)
            {
                await simulator.DisposeAsync();
            }
        }
    }

    private static async Task<AlertMessage> RunUntilAlertAsync(KisSimulator simulator, Func<KisSimulator, Task> fault, string kind)
    {
        simulator.FrameInterval = TimeSpan.FromMilliseconds(5);
        using var session = new TradingSession(Options(simulator));
        await session.StartAsync("test", CancellationToken.None);
        var channel = new RecordingAlertChannel();
        await using var alerts = new AlertService(new AlertOptions(), [channel]);
        alerts.Start();
        using var interventions = new InterventionAlerts(alerts, session.Engine, () => session.LastEventTimeNs);
        interventions.Attach(session.VenueGateway, session.Links, session.Reconciler);
        Assert.False(session.Engine.Risk.KillSwitchEngaged);

        await WaitForAsync(() => session.Engine.Counters.OrdersSubmitted > 0 || session.Fault is not null, "a first order");
        await fault(simulator);
        await WaitForAsync(() => channel.Sent.Any(a => a.Kind == kind) || session.Fault is not null, "a " + kind + " alert");
        await WaitForAsync(() => session.Engine.Risk.KillSwitchEngaged, "the kill switch");

        Assert.Null(session.Fault);
        Assert.Equal(1, interventions.Pauses);
        session.Stop();
        return channel.Sent.First(a => a.Kind == kind);
    }

    [Fact]
    public async Task BrokerOutage_CircuitOpens_RaisesCriticalAlertAndEngagesTheKillSwitch()
    {
        AlertMessage alert = await RunUntilAlertAsync(async s =>
        {
            await s.DisposeAsync(); // the broker is gone: every call fails, the circuit opens
            return true;
        }, "broker_outage");

        Assert.Equal(AlertSeverity.Critical, alert.Severity);
        Assert.Equal("broker_outage:kis", alert.Key);
        Assert.Contains("TRADING PAUSED", alert.Message, StringComparison.Ordinal);
        Assert.Contains("/api/kill-switch/release", alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeyRevoked_TokenExpiredAndRefused_RaisesCriticalAlertAndEngagesTheKillSwitch()
    {
        AlertMessage alert = await RunUntilAlertAsync(s =>
        {
            s.RefuseTokens = true;
            s.ExpireTokens(); // EGW00123, then the fresh token is refused
            return Task.FromResult(false);
        }, "api_key_refused");

        Assert.Equal(AlertSeverity.Critical, alert.Severity);
        Assert.Equal("kis", alert.Fields["venue"]);
        Assert.DoesNotContain(KisSimulator.AppSecret, alert.Message + string.Join(" ", alert.Fields.Values), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeyInvalidOnOrderCalls_EGW00103_RaisesCriticalAlertAndEngagesTheKillSwitch()
    {
        AlertMessage alert = await RunUntilAlertAsync(s =>
        {
            s.OrderRefusalCode = "EGW00103"; // the token still works; the order endpoint says the app key is invalid
            return Task.FromResult(false);
        }, "api_key_refused");

        Assert.Equal(AlertSeverity.Critical, alert.Severity);
        Assert.Contains("EGW00103", alert.Fields["detail"], StringComparison.Ordinal);
        Assert.DoesNotContain(KisSimulator.AppSecret, alert.Message + string.Join(" ", alert.Fields.Values), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForeignFill_AnOrderPlacedByHandFillsDuringTheRun_RaisesCriticalAlertAndEngagesTheKillSwitch()
    {
        string? byHand = null;
        AlertMessage alert = await RunUntilAlertAsync(s =>
        {
            byHand = s.PlaceByHand("50000000", "035720", buy: true, quantity: 3); // a symbol the session does not trade: no order of ours can match it
            return Task.FromResult(false);
        }, "foreign_fill");

        Assert.Equal(AlertSeverity.Critical, alert.Severity);
        Assert.Contains(byHand!, alert.Fields["detail"], StringComparison.Ordinal);
        Assert.Contains("TRADING PAUSED", alert.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NetworkDown_LinkDegraded_RaisesCriticalAlert_AndPausesOnlyWhenConfigured(bool pauseTrading)
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop(); // nothing listens there: the link cannot connect

        using var session = new TradingSession(DaemonCli.BuildOptions(seed: 7, ticksPerSecond: 0, WaitStrategyKind.Blocking));
        await session.StartAsync("test", CancellationToken.None);
        var channel = new RecordingAlertChannel();
        await using var alerts = new AlertService(new AlertOptions(), [channel]);
        alerts.Start();
        using var interventions = new InterventionAlerts(alerts, session.Engine, () => session.LastEventTimeNs, pauseTrading);
        var policy = new Adapters.WebSockets.ReconnectPolicy { Base = TimeSpan.FromMilliseconds(1), Max = TimeSpan.FromMilliseconds(5), MaxFastAttempts = 2, SlowCadence = TimeSpan.FromMinutes(10) };
        using var link = new Adapters.WebSockets.WebSocketManager("test-feed", new Uri("ws://127.0.0.1:" + port + "/"), () => [], _ => { }, policy);
        interventions.Attach(null, [link], null);

        await link.StartAsync();
        await WaitForAsync(() => !channel.Sent.IsEmpty, "the network_down alert");

        AlertMessage alert = Assert.Single(channel.Sent);
        Assert.Equal(AlertSeverity.Critical, alert.Severity);
        Assert.Equal("network_down:test-feed", alert.Key);
        if (pauseTrading)
        {
            await WaitForAsync(() => session.Engine.Risk.KillSwitchEngaged, "the kill switch");
            Assert.Contains("TRADING PAUSED", alert.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(0, interventions.Pauses);
            Assert.DoesNotContain("TRADING PAUSED", alert.Message, StringComparison.Ordinal);
        }

        session.Stop();
        Assert.Equal(pauseTrading, session.Engine.Risk.KillSwitchEngaged); // the engine has drained: the command was (or was not) applied
    }

    [Theory]
    [InlineData("APBK0952", "주문가능금액을 초과 했습니다", true)]
    [InlineData("40310000", "insufficient buying power", true)]
    [InlineData("APBK0917", "주문수량을 확인하세요.", false)]
    [InlineData(null, null, false)]
    public void RejectCodes_TellInsufficientFundsFromOtherRefusals(string? code, string? message, bool insufficient) =>
        Assert.Equal(insufficient, VenueRejectCodes.IsInsufficientFunds(code, message));
}
