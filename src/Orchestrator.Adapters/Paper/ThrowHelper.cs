using System.Diagnostics.CodeAnalysis;

namespace Orchestrator.Adapters.Paper;

/// <summary>Keeps throw sites (and their string formatting) out of the paper exchange's hot methods.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowReentrantCall() =>
        throw new InvalidOperationException("The paper exchange was called from inside one of its own report callbacks; sinks must not call back into it.");

    [DoesNotReturn]
    public static void ThrowSymbolOutOfRange(int symbolId) =>
        throw new ArgumentOutOfRangeException(nameof(symbolId), symbolId, "Symbol id is outside 0..SymbolCount-1.");
}
