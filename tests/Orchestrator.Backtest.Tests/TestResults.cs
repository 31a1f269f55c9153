using Orchestrator.Core;

namespace Orchestrator.Backtest.Tests;

/// <summary>Builders for hand-made backtest results.</summary>
internal static class TestResults
{
    public const long NsPerSecond = 1_000_000_000;
    public const long NsPerDay = 86_400 * NsPerSecond;

    /// <summary>2024-01-01T00:00:00Z in ns.</summary>
    public const long Day0 = 1_704_067_200 * NsPerSecond;

    public static long At(int day, int hour = 0, int minute = 0, int second = 0) =>
        Day0 + (day * NsPerDay) + (((hour * 3600L) + (minute * 60L) + second) * NsPerSecond);

    public static EquityPoint Point(long tsNs, decimal equity, decimal? cash = null, decimal gross = 0m) =>
        new(tsNs, FixedPoint.FromDecimal(equity), FixedPoint.FromDecimal(cash ?? equity - gross), FixedPoint.FromDecimal(gross));

    public static FillRecord Fill(long tsNs, string symbol, Side side, long quantity, decimal price, decimal commission, long orderId = 0) =>
        new(tsNs, symbol, side, quantity, FixedPoint.FromDecimal(price), FixedPoint.FromDecimal(commission), orderId);

    public static BacktestResult Result(
        decimal startingCash,
        IReadOnlyList<EquityPoint> equity,
        IReadOnlyList<FillRecord>? fills = null,
        double elapsedSeconds = 2.0,
        IReadOnlyList<string>? symbols = null) => new()
        {
            Symbols = symbols ?? ["AAA"],
            StartingCash = startingCash,
            Equity = equity,
            Fills = fills ?? [],
            Events = 1000,
            MarketEvents = 800,
            ElapsedSeconds = elapsedSeconds,
            Signals = 12,
            Rejects = new Dictionary<string, long> { ["MaxNotional"] = 2, ["Halted"] = 1 },
            OpenPositions = new Dictionary<string, long>(),
        };

    /// <summary>
    /// Buy and hold over six days at 16:00 UTC: 100,000 → 110,000 → 99,000 → 104,500 → 121,000 → 115,000.
    /// </summary>
    public static BacktestResult BuyAndHold(double elapsedSeconds = 2.0) => Result(
        100_000m,
        [
            Point(At(0, 16), 100_000m, 0m, 100_000m),
            Point(At(1, 16), 110_000m, 0m, 110_000m),
            Point(At(2, 16), 99_000m, 0m, 99_000m),
            Point(At(3, 16), 104_500m, 0m, 104_500m),
            Point(At(4, 16), 121_000m, 0m, 121_000m),
            Point(At(5, 16), 115_000m, 0m, 115_000m),
        ],
        [Fill(At(0, 16), "AAA", Side.Buy, 1000, 100m, 0m)],
        elapsedSeconds);
}
