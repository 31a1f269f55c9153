using System.Diagnostics.CodeAnalysis;
using Disruptor;

namespace Orchestrator.Engine.Ring;

/// <summary>Builds Disruptor-net wait strategies from configuration names.</summary>
public static class WaitStrategies
{
    /// <summary>The accepted names, for error messages.</summary>
    public const string ValidNames = "spin-then-park, blocking, sleeping, yielding, busy-spin";

    /// <summary>A new instance of the strategy named by <paramref name="kind"/>.</summary>
    public static IWaitStrategy Create(WaitStrategyKind kind) => kind switch
    {
        WaitStrategyKind.SpinThenPark => new SpinThenParkWaitStrategy(),
        WaitStrategyKind.Blocking => new BlockingWaitStrategy(),
        WaitStrategyKind.Sleeping => new SpinYieldSleepWaitStrategy(),
        WaitStrategyKind.Yielding => new YieldingWaitStrategy(),
        WaitStrategyKind.BusySpin => new BusySpinWaitStrategy(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown wait strategy."),
    };

    /// <summary>
    /// Parses a configuration name: <c>spin-then-park</c>, <c>blocking</c>, <c>sleeping</c>, <c>yielding</c>,
    /// <c>busy-spin</c> (also <c>busyspin</c>, <c>busy_spin</c>), case-insensitive.
    /// </summary>
    public static bool TryParse(string? name, [NotNullWhen(true)] out WaitStrategyKind? kind)
    {
        kind = (name ?? string.Empty).Trim().Replace("-", string.Empty, StringComparison.Ordinal)
            .Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant() switch
        {
            "SPINTHENPARK" => WaitStrategyKind.SpinThenPark,
            "BLOCKING" => WaitStrategyKind.Blocking,
            "SLEEPING" => WaitStrategyKind.Sleeping,
            "YIELDING" => WaitStrategyKind.Yielding,
            "BUSYSPIN" => WaitStrategyKind.BusySpin,
            _ => null,
        };
        return kind is not null;
    }
}
