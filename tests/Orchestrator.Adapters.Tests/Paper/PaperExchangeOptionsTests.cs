using Orchestrator.Adapters.Paper;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Paper;

public sealed class PaperExchangeOptionsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedOnes_AndValid()
    {
        var options = new PaperExchangeOptions { SymbolCount = 1 };

        Assert.Equal(100_000 * FixedPoint.Scale, options.StartingCashRaw);
        Assert.Equal(5, options.SlippageBps);
        Assert.Equal(0, options.CommissionBps);
        Assert.Equal(0, options.MinimumCommissionRaw);
        Assert.False(options.AllowShortSelling);
        Assert.Equal(4096, options.MaxOpenOrders);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Validate_ReportsEveryInvalidKeyAtOnce()
    {
        var options = new PaperExchangeOptions
        {
            SymbolCount = 0,
            StartingCashRaw = -1,
            SlippageBps = 10_000,
            CommissionBps = -1,
            MinimumCommissionRaw = -1,
            MaxOpenOrders = 0,
        };

        IReadOnlyList<string> errors = options.Validate();

        Assert.Equal(6, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("PaperExchange.SymbolCount:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("PaperExchange.SlippageBps:", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_WithInvalidOptions_Throws()
    {
        Assert.Throws<ArgumentException>(() => new PaperExchange(new PaperExchangeOptions { SymbolCount = 0 }));
    }
}
