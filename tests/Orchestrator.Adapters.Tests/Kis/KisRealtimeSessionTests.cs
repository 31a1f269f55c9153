using Orchestrator.Adapters.Kis;
using Orchestrator.Adapters.WebSockets;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Kis;

/// <summary>One KIS real-time session per approval key, every subscribe's answer checked: the simulator enforces KIS's rules.</summary>
public sealed class KisRealtimeSessionTests : KisSimulatorFixture
{
    private sealed class NullSink : IMarketDataSink
    {
        public void OnMarketData(in MarketTick tick)
        {
        }
    }

    private Uri WebSocketUri => new("ws://" + Simulator.BaseAddress.Authority + "/");

    private KisRealtimeSession NewSession(string approvalKey = "SIM-APPROVAL-1") =>
        new(WebSocketUri, approvalKey, new ReconnectPolicy { Base = TimeSpan.FromMilliseconds(50) }, ackTimeout: TimeSpan.FromSeconds(20));

    [Fact]
    public async Task SubscriptionBeyondTheCap_IsRefused_NamingTheSymbol_AndTheLinkIsDegraded()
    {
        Simulator.MaxRealtimeRegistrations = 2; // KIS: 41 per session
        string[] symbols = ["005930", "000660", "035420"];
        using KisRealtimeSession session = NewSession();
        using var feed = new KisMarketDataFeed(session, symbols, new SymbolTable(symbols), new NullSink());
        var refusals = new List<string>();
        session.Connection.SubscriptionRefused += (_, detail) => { lock (refusals) { refusals.Add(detail); } };

        await session.StartAsync();
        Assert.False(await session.WaitForAcksAsync(CancellationToken.None));

        Assert.Equal(1, session.Refusals);
        string refusal = Assert.Single(refusals);
        Assert.Contains("035420", refusal, StringComparison.Ordinal);
        Assert.Contains("OPSP0008", refusal, StringComparison.Ordinal);
        Assert.Contains("035420", session.Connection.SubscriptionProblem, StringComparison.Ordinal);
        Assert.Equal(1, Simulator.RefusedSubscribes);
    }

    [Fact]
    public async Task MarketDataAndNotices_ShareOneSession_WhichKisAllowsOnePerApprovalKey()
    {
        Simulator.OneSessionPerApprovalKey = true;
        Simulator.MaxRealtimeRegistrations = 41;
        string[] symbols = ["005930", "000660"];
        using KisRealtimeSession session = NewSession();
        using var feed = new KisMarketDataFeed(session, symbols, new SymbolTable(symbols), new NullSink());
        using var notices = new KisExecutionNoticeStream(session, "SIMHTS", realAccount: false, sink: null);

        await session.StartAsync();
        Assert.True(await session.WaitForAcksAsync(CancellationToken.None));
        Assert.Equal(3, session.Registrations);
        Assert.Null(session.Connection.SubscriptionProblem);

        // A second session with the same key (what the daemon used to open for notices) is refused.
        using KisRealtimeSession second = NewSession();
        using var secondNotices = new KisExecutionNoticeStream(second, "SIMHTS", realAccount: false, sink: null);
        await second.StartAsync();
        Assert.False(await second.WaitForAcksAsync(CancellationToken.None));
        Assert.Contains("OPSP8996", second.Connection.SubscriptionProblem, StringComparison.Ordinal);
        Assert.Contains(KisRealtimeSession.NoticesLabel, second.Connection.SubscriptionProblem, StringComparison.Ordinal);
    }

    [Fact]
    public void MoreRegistrationsThanKisAllows_RefuseToStart_NamingTheCount()
    {
        string[] symbols = [.. Enumerable.Range(100_000, 41).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        using KisRealtimeSession session = NewSession();
        using var feed = new KisMarketDataFeed(session, symbols, new SymbolTable(symbols), new NullSink());
        using var notices = new KisExecutionNoticeStream(session, "SIMHTS", realAccount: false, sink: null);

        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => { _ = session.StartAsync(); });
        Assert.Contains("42 real-time registrations", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, Simulator.SubscribeMessages);
    }

    [Fact]
    public void ReconnectBackoff_NeverGoesBelowItsFloor()
    {
        ReconnectPolicy policy = ReconnectPolicy.Kis with { Base = TimeSpan.FromMilliseconds(1), Jitter = 0.5 };
        var random = new Random(7);
        for (int attempt = 1; attempt <= 20; attempt++)
        {
            Assert.True(policy.DelayFor(attempt, random) >= TimeSpan.FromSeconds(1), $"attempt {attempt}");
        }
    }
}
