using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using Orchestrator.Adapters.Venues;

namespace Orchestrator.Adapters.Tests.Venues;

/// <summary>The exact limiter on a fake clock: never more than the limit in any window, wherever it starts.</summary>
public sealed class SlidingLogRateLimiterTests
{
    [Theory]
    [InlineData(20, 1)]
    [InlineData(2, 2)]
    [InlineData(15, 3)]
    public void GrantsInAnyOneSecondWindow_NeverExceedTheLimit_WhateverTheArrivalPattern(int limit, int seed)
    {
        var clock = new FakeTimeProvider();
        using var limiter = new SlidingLogRateLimiter(limit, TimeSpan.FromSeconds(1), clock);
        var random = new Random(seed);
        var granted = new List<DateTimeOffset>();
        for (int step = 0; step < 2_000; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(random.Next(0, 60)));
            for (int burst = random.Next(0, 2 * limit); burst > 0; burst--)
            {
                using RateLimitLease lease = limiter.AttemptAcquire();
                if (lease.IsAcquired)
                {
                    granted.Add(clock.GetUtcNow());
                }
            }
        }

        Assert.True(granted.Count > limit * 10, "the limiter let requests through");
        for (int i = limit; i < granted.Count; i++)
        {
            // the (limit+1)-th grant after any grant is at least a whole window later: no 1 s window holds more than limit
            Assert.True(granted[i] - granted[i - limit] >= TimeSpan.FromSeconds(1), $"grants {i - limit} and {i} are {(granted[i] - granted[i - limit]).TotalMilliseconds} ms apart");
        }
    }

    [Fact]
    public void AcrossASecondBoundary_ItAdmitsTheRateOnce_NotTwice()
    {
        var clock = new FakeTimeProvider();
        using var limiter = new SlidingLogRateLimiter(20, TimeSpan.FromSeconds(1), clock);
        clock.Advance(TimeSpan.FromMilliseconds(990));
        Assert.Equal(20, Enumerable.Range(0, 40).Count(_ => limiter.AttemptAcquire().IsAcquired));

        clock.Advance(TimeSpan.FromMilliseconds(20)); // a token bucket refills here and lets 20 more through within 20 ms
        Assert.False(limiter.AttemptAcquire().IsAcquired);

        clock.Advance(TimeSpan.FromMilliseconds(980)); // a whole second after the burst
        Assert.True(limiter.AttemptAcquire().IsAcquired);
    }

    [Fact]
    public async Task AcquireAsync_WaitsUntilTheOldestGrantLeavesTheWindow()
    {
        var clock = new FakeTimeProvider();
        using var limiter = new SlidingLogRateLimiter(2, TimeSpan.FromSeconds(1), clock);
        Assert.True((await limiter.AcquireAsync()).IsAcquired);
        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True((await limiter.AcquireAsync()).IsAcquired);

        Task<RateLimitLease> third = limiter.AcquireAsync().AsTask();
        clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(third.IsCompleted);

        clock.Advance(TimeSpan.FromMilliseconds(2)); // the first grant is now a second old
        using RateLimitLease lease = await third;
        Assert.True(lease.IsAcquired);
    }
}
