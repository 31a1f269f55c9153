using Orchestrator.Daemon.Hosting;

namespace Orchestrator.Daemon.Tests;

/// <summary>Waiting for a condition another thread brings about, under a hang guard (it asserts nothing about time).</summary>
internal static class Waits
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> if <paramref name="hangGuard"/> passes first.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan hangGuard)
    {
        using var guard = new CancellationTokenSource(hangGuard);
        while (!condition())
        {
            Assert.False(guard.IsCancellationRequested, "hang guard: " + what);
            await Task.Delay(20, CancellationToken.None);
        }
    }

    /// <summary>
    /// Polls until <paramref name="condition"/> holds or <paramref name="session"/> faults, then asserts it
    /// did not fault; fails if <paramref name="hangGuard"/> passes first, with <paramref name="context"/>'s
    /// text (e.g. the audit trail) when given.
    /// </summary>
    public static async Task UntilAsync(Func<bool> condition, TradingSession session, TimeSpan hangGuard, Func<string>? context = null)
    {
        using var guard = new CancellationTokenSource(hangGuard);
        while (!condition() && session.Fault is null)
        {
            Assert.False(guard.IsCancellationRequested, "hang guard" + (context is null ? string.Empty : ": " + context()));
            await Task.Delay(20, CancellationToken.None);
        }

        Assert.Null(session.Fault);
    }
}
