using Orchestrator.Core;

namespace Orchestrator.Examples.Tests;

/// <summary>Deterministic market data for the example strategies' tests.</summary>
internal static class Ticks
{
    public const long Second = 1_000_000_000;
    public const long Minute = 60 * Second;

    /// <summary>2025-01-06 00:00:00 UTC, ns (a Monday).</summary>
    public const long Day0 = 1_736_121_600L * Second;

    public const long Day = 86_400 * Second;

    public static MarketTick Trade(int symbolId, long tsNs, decimal price, long size = 100) => new()
    {
        Kind = EventKind.TradeTick,
        SymbolId = symbolId,
        TsEventNs = tsNs,
        PriceRaw = FixedPoint.FromDecimal(price),
        Size = size,
    };

    /// <summary><paramref name="hour"/>:<paramref name="minute"/>:<paramref name="second"/> UTC on day <paramref name="day"/> after <see cref="Day0"/>.</summary>
    public static long At(int day, int hour, int minute, int second = 0) => Day0 + (day * Day) + (hour * 60 * Minute) + (minute * Minute) + (second * Second);
}
