using Orchestrator.Adapters.MarketData;
using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using Orchestrator.Engine.Options;

namespace Orchestrator.Daemon.Hosting;

/// <summary>
/// The embedded defaults the daemon runs on with no configuration files: a paper account of
/// 100,000 USD, five US large caps from a seeded synthetic feed at 200 ticks/s, both built-in
/// rules, the risk limits of <see cref="RiskOptions"/>. No network, no keys.
/// </summary>
public static class DaemonDefaults
{
    public static IReadOnlyList<(string Symbol, decimal StartPrice, double Volatility)> WatchList { get; } =
    [
        ("AAPL", 175.50m, 0.25),
        ("MSFT", 420.00m, 0.22),
        ("NVDA", 120.00m, 0.45),
        ("AMZN", 185.00m, 0.30),
        ("GOOGL", 165.00m, 0.28),
    ];

    public static EngineOptions Engine() => new()
    {
        Symbols = [.. WatchList.Select(w => w.Symbol)],
        StartingCash = 100_000m,
    };

    public static SyntheticMarketDataOptions Synthetic(ulong seed = 42, double ticksPerSecond = 200) => new()
    {
        Seed = seed,
        TicksPerSecond = ticksPerSecond,
        Symbols = [.. WatchList.Select((w, i) => new SyntheticSymbol(i, w.StartPrice) { VolatilityAnnual = w.Volatility })],
    };

    public static PaperExchangeOptions Paper(EngineOptions engine) => new()
    {
        SymbolCount = engine.Symbols.Count,
        StartingCashRaw = FixedPoint.FromDecimal(engine.StartingCash),
        SlippageBps = 5,
        CommissionBps = 1,
    };
}
