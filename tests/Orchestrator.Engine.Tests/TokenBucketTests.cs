using Orchestrator.Engine.State;

namespace Orchestrator.Engine.Tests;

public sealed class TokenBucketTests
{
    [Fact]
    public void Bucket_AllowsCapacityThenRefillsContinuouslyOnEventTime()
    {
        var bucket = new TokenBucket(4, 1_000);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(bucket.TryTake(0));
        }

        Assert.False(bucket.TryTake(0));
        Assert.False(bucket.TryTake(249)); // a quarter window refills one token at 250
        Assert.True(bucket.TryTake(250));
        Assert.False(bucket.TryTake(250));
        Assert.True(bucket.TryTake(10_000)); // long idle: full again, not more
        Assert.True(bucket.TryTake(10_000));
        Assert.True(bucket.TryTake(10_000));
        Assert.True(bucket.TryTake(10_000));
        Assert.False(bucket.TryTake(10_000));
    }

    [Fact]
    public void Bucket_WithZeroCapacity_IsUnlimited()
    {
        var bucket = new TokenBucket(0, 1_000);
        for (int i = 0; i < 100; i++)
        {
            Assert.True(bucket.TryTake(0));
        }
    }

    [Fact]
    public void DailyBucket_WithALargeLimit_DoesNotOverflow()
    {
        // 1,000,000 a day × 8.64e13 ns once overflowed 64 bits and refused every order.
        const long day = 86_400_000_000_000;
        var bucket = new TokenBucket(1_000_000, day);
        for (int i = 0; i < 1_000; i++)
        {
            Assert.True(bucket.TryTake(1_000 + i));
        }

        var max = new TokenBucket(100_000_000, day);
        Assert.True(max.TryTake(1));
    }
}
