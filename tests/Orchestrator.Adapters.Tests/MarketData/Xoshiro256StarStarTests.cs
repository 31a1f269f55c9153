using Orchestrator.Adapters.MarketData;

namespace Orchestrator.Adapters.Tests.MarketData;

public sealed class Xoshiro256StarStarTests
{
    [Fact]
    public void Seed42_MatchesTheReferenceCImplementation()
    {
        // Reference: xoshiro256starstar.c seeded by four splitmix64 outputs from x = 42.
        var random = new Xoshiro256StarStar(42);

        Assert.Equal(0x15780B2E0C2EC716UL, random.NextUInt64());
        Assert.Equal(0x6104D9866D113A7EUL, random.NextUInt64());
        Assert.Equal(0xAE17533239E499A1UL, random.NextUInt64());
        Assert.Equal(0xECB8AD4703B360A1UL, random.NextUInt64());
    }

    [Fact]
    public void Seed0_MatchesTheReferenceCImplementation()
    {
        var random = new Xoshiro256StarStar(0);

        Assert.Equal(0x99EC5F36CB75F2B4UL, random.NextUInt64());
    }

    [Fact]
    public void NextGaussian_HasMeanZeroAndVarianceOne()
    {
        var random = new Xoshiro256StarStar(7);
        const int N = 200_000;
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < N; i++)
        {
            double z = random.NextGaussian();
            sum += z;
            sumSquares += z * z;
        }

        double mean = sum / N;
        double variance = (sumSquares / N) - (mean * mean);
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(variance, 0.98, 1.02);
    }
}
