namespace Orchestrator.Adapters.Tests;

/// <summary>
/// Bytes a piece of steady-state work allocates on the calling thread, measured in several windows
/// of rounds. An allocation per round, or a periodic one (up to one per two windows), shows in at
/// least two windows; a one-time runtime cost whose moment the machine's load decides (tiered
/// compilation's promotion, an on-stack replacement, the first contended slow path) shows in one,
/// and is not steady state. Callers assert <see cref="AtMostOneWindowAllocated"/>.
/// </summary>
internal static class AllocationWindows
{
    /// <summary>Runs <paramref name="round"/> for rounds <paramref name="firstRound"/> onwards, <paramref name="windows"/> × <paramref name="roundsPerWindow"/> times; returns each window's bytes.</summary>
    public static long[] Measure(int windows, int roundsPerWindow, int firstRound, Action<int> round)
    {
        var allocated = new long[windows];
        int i = firstRound;
        for (int w = 0; w < windows; w++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int r = 0; r < roundsPerWindow; r++)
            {
                round(i++);
            }

            allocated[w] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        return allocated;
    }

    /// <summary>Whether no more than one window allocated anything.</summary>
    public static bool AtMostOneWindowAllocated(long[] allocated) => allocated.Count(bytes => bytes != 0) <= 1;

    /// <summary>The windows' figures, for the failure message.</summary>
    public static string Describe(long[] allocated) => "bytes allocated per window: " + string.Join(", ", allocated);
}
