using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>Issue 19: the engine's audit lines write each symbol's prices in the symbol's own currency, the account's figures in the base's.</summary>
public sealed class AuditCurrencyTests
{
    [Fact]
    public void FillLines_ShowKrxPricesInWon_AndUsPricesInDollars_UnderAUsdBase()
    {
        EngineOptions options = EngineHarness.DefaultOptions() with
        {
            Symbols = ["AAPL", "005930"],
            BaseCurrency = "USD",
            FxRates = new Dictionary<string, decimal> { ["KRW"] = 0.00075m },
            StartingCashByCurrency = new Dictionary<string, decimal> { ["KRW"] = 10_000_000m },
            CurrencySymbol = "$",
        };
        var h = new EngineHarness(options, startAudit: true);
        h.Trade(0, 150m);
        h.Trade(1, 71_000m);
        EngineEvent us = h.Signal(0, Side.Buy, signalId: 1);
        EngineEvent kr = h.Signal(1, Side.Buy, signalId: 2);
        h.Report(us.ClientOrderId, ExecutionType.Accepted);
        h.Report(us.ClientOrderId, ExecutionType.Fill, us.Quantity, 150m);
        h.Report(kr.ClientOrderId, ExecutionType.Accepted);
        h.Report(kr.ClientOrderId, ExecutionType.Fill, kr.Quantity, 71_000m);
        h.Engine.Audit.Shutdown(TimeSpan.FromSeconds(10)); // drains every line written

        string[] filled = [.. h.Audit.Lines.Select(l => l.Message).Where(m => m.StartsWith("Order filled:", StringComparison.Ordinal))];
        Assert.Equal(2, filled.Length);
        Assert.Contains("Order filled: AAPL 10 shares BUY @ $150.00 ", filled[0], StringComparison.Ordinal);
        Assert.Contains("Order filled: 005930 10 shares BUY @ ₩71,000.00 ", filled[1], StringComparison.Ordinal);
    }
}
