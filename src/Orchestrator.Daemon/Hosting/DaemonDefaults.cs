using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon.Hosting;

/// <summary>
/// The watch list the daemon trades when <c>myStockInfo.yaml</c> names none: five US large caps
/// with the start prices and volatilities of the synthetic market. Everything else defaults in
/// the option records themselves (risk, sizing, broker).
/// </summary>
public static class DaemonDefaults
{
    public static IReadOnlyList<WatchItem> WatchList { get; } =
    [
        new("AAPL", 175.50m, 0.25),
        new("MSFT", 420.00m, 0.22),
        new("NVDA", 120.00m, 0.45),
        new("AMZN", 185.00m, 0.30),
        new("GOOGL", 165.00m, 0.28),
    ];
}
