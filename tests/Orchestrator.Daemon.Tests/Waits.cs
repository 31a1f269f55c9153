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
}
