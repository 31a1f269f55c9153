namespace Orchestrator.Backtest.Tests;

public sealed class BacktestResultTests
{
    [Fact]
    public void EquityPoint_IsAValue()
    {
        Assert.Equal(new EquityPoint(1, 2, 3, 4), new EquityPoint(1, 2, 3, 4));
        Assert.NotEqual(new EquityPoint(1, 2, 3, 4), new EquityPoint(1, 2, 3, 5));
    }
}
