using Orchestrator.Adapters.MarketData;

namespace Orchestrator.Adapters.Tests.MarketData;

public sealed class SyntheticMarketDataOptionsTests
{
    [Fact]
    public void Defaults_WithOneSymbol_AreValid()
    {
        var options = new SyntheticMarketDataOptions { Symbols = [new SyntheticSymbol(0, 100m)] };

        Assert.Empty(options.Validate());
        Assert.Equal(42UL, options.Seed);
        Assert.Equal(1000, options.TicksPerSecond);
        Assert.Equal(new DateTimeOffset(2025, 1, 2, 14, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000, options.StartTimeNs);
    }

    [Fact]
    public void Validate_WithoutSymbols_ReportsSymbols()
    {
        Assert.Equal(["Symbols: at least one symbol is required"], new SyntheticMarketDataOptions().Validate());
    }

    [Fact]
    public void Validate_ReportsEveryProblemAsKeyAndReason()
    {
        var options = new SyntheticMarketDataOptions
        {
            TicksPerSecond = double.NaN,
            StartTimeNs = -1,
            Symbols =
            [
                new SyntheticSymbol(1, 0m) { TickSize = 0.0000001m, VolatilityAnnual = -0.1, SpreadBps = -1, MeanSize = 0, LotSize = 0, DriftAnnual = double.PositiveInfinity },
                new SyntheticSymbol(1, 10m),
            ],
        };

        IReadOnlyList<string> errors = options.Validate();

        string[] keys = [.. errors.Select(e => e[..e.IndexOf(": ", StringComparison.Ordinal)])];
        Assert.Equal(
            [
                "TicksPerSecond", "StartTimeNs", "Symbols[0].StartPrice", "Symbols[0].TickSize", "Symbols[0].DriftAnnual",
                "Symbols[0].VolatilityAnnual", "Symbols[0].SpreadBps", "Symbols[0].MeanSize", "Symbols[0].LotSize", "Symbols[1].SymbolId",
            ],
            keys);
    }
}
