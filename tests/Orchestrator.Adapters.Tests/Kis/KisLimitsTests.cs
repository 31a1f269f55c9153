using Microsoft.Extensions.Time.Testing;
using Orchestrator.Adapters.Kis;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Adapters.Tests.Kis;

/// <summary>KIS's published limits, enforced by the simulator's switches, and how the client keeps to them.</summary>
public sealed class KisLimitsTests : KisSimulatorFixture, IDisposable
{
    private readonly string _cache = Directory.CreateTempSubdirectory("kis-token-").FullName;

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    [Fact]
    public async Task EveryHttpRequest_TakesAPermit_PagesIncluded_SoTheVenuesLimitIsNeverHit()
    {
        Simulator.DailyPageSize = 1;
        Simulator.RequestsPerSecondLimit = 4; // the venue's limit; the client keeps to 3 in any second
        using KisRestClient client = NewClient(limits: SimulatorLimits with { RequestsPerSecond = 3, RateLimitedRetries = 0 });
        for (int i = 0; i < 3; i++)
        {
            Assert.True((await client.PlaceCashOrderAsync("005930", Side.Buy, 1 + i, 60_000, CancellationToken.None)).Accepted);
        }

        // three pages, then three more orders, as fast as the client allows: never an EGW00201
        Assert.Equal(3, (await client.GetDailyOrdersAsync(Today, CancellationToken.None)).Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.True((await client.PlaceCashOrderAsync("000660", Side.Buy, 1, 60_000, CancellationToken.None)).Accepted);
        }

        Assert.Equal(0, client.RateLimitedAnswers);
    }

    [Fact]
    public async Task Egw00201_IsBackPressure_TheCallIsSentAgainLater_AndBookedOnce()
    {
        Simulator.RequestsPerSecondLimit = 2;
        using KisRestClient client = NewClient(limits: SimulatorLimits with { RateLimitedBackoff = TimeSpan.FromMilliseconds(200), RateLimitedRetries = 10 });

        KisOrderResult[] placed = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.PlaceCashOrderAsync("005930", Side.Buy, 1, 60_000, CancellationToken.None)));

        Assert.All(placed, p => Assert.True(p.Accepted));
        Assert.True(client.RateLimitedAnswers > 0, "the venue's limit was met");
        Assert.Equal(5, Simulator.OrdersBooked("50000000"));
    }

    [Fact]
    public async Task RestartWithinAMinute_ReusesTheKeptToken_WhichKisWouldNotReissue()
    {
        Simulator.TokenIssueInterval = TimeSpan.FromMinutes(1); // KIS: one token per minute per app key
        string token;
        using (KisRestClient first = NewClient(limits: SimulatorLimits with { TokenCacheDirectory = _cache }))
        {
            token = await first.GetAccessTokenAsync(CancellationToken.None);
        }

        using KisRestClient restarted = NewClient(limits: SimulatorLimits with { TokenCacheDirectory = _cache });
        Assert.Equal(token, await restarted.GetAccessTokenAsync(CancellationToken.None));
        Assert.True((await restarted.PlaceCashOrderAsync("005930", Side.Buy, 1, 60_000, CancellationToken.None)).Accepted);
        Assert.Equal((1, 1), (Simulator.TokensIssued, Simulator.TokenRequests));
        Assert.Equal(0, restarted.TokenRequests);

        string file = Assert.Single(Directory.GetFiles(_cache));
        Assert.Equal(restarted.TokenFilePath, file);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        Assert.DoesNotContain(KisSimulator.AppKey, File.ReadAllText(file) + file, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondTokenWithinAMinute_IsEGW00133_ReportedAsKisRule_NotAsWrongKeys()
    {
        Simulator.TokenIssueInterval = TimeSpan.FromMinutes(1);
        using (KisRestClient first = NewClient())
        {
            await first.GetAccessTokenAsync(CancellationToken.None);
        }

        using KisRestClient restarted = NewClient(); // keeps no token: asks again
        VenueTransientException refused = await Assert.ThrowsAsync<VenueTransientException>(() => restarted.GetAccessTokenAsync(CancellationToken.None));

        Assert.Equal("EGW00133", refused.Code);
        Assert.Contains("one access token per minute", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("check the app key", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<VenueTransientException>(() => restarted.GetAccessTokenAsync(CancellationToken.None));
        Assert.Equal(1, restarted.TokenRequests); // not asked again within the minute
    }

    [Fact]
    public async Task WrongKeys_AreReportedWithTheirCode_AsWrongKeys()
    {
        using KisRestClient client = NewClient(appKey: "WRONG");
        KisAuthenticationException refused = await Assert.ThrowsAsync<KisAuthenticationException>(() => client.GetAccessTokenAsync(CancellationToken.None));
        Assert.Contains("EGW00103", refused.Message, StringComparison.Ordinal);
        Assert.Contains("check the app key and secret", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenEndpointDown_ConcurrentCallers_AskOnce()
    {
        Simulator.TokenEndpointDown = true;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow); // the retry window cannot pass during the test
        using KisRestClient client = NewClient(time: clock);

        Task<string>[] callers = [.. Enumerable.Range(0, 8).Select(_ => client.GetAccessTokenAsync(CancellationToken.None))];
        foreach (Task<string> caller in callers)
        {
            VenueTransientException failed = await Assert.ThrowsAsync<VenueTransientException>(() => caller);
            Assert.Equal("500", failed.Code);
        }

        await Assert.ThrowsAsync<VenueTransientException>(() => client.GetAccessTokenAsync(CancellationToken.None));
        Assert.Equal((1, 1), (Simulator.TokenRequests, (int)client.TokenRequests));

        Simulator.TokenEndpointDown = false;
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.StartsWith("SIM-TOKEN-", await client.GetAccessTokenAsync(CancellationToken.None), StringComparison.Ordinal);
    }
}
