using System.Runtime.InteropServices;

namespace Orchestrator.Engine.Ring;

/// <summary>
/// Pins the calling thread to one CPU core with <c>sched_setaffinity</c> on Linux. Elsewhere
/// pinning is a no-op that says so, so a configuration that pins still runs on a laptop.
/// </summary>
public static partial class ThreadAffinity
{
    // cpu_set_t is 1024 bits in glibc.
    private const int CpuSetWords = 1024 / 64;

    /// <summary>Whether this platform supports pinning.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>
    /// Pins the calling thread to <paramref name="core"/>. Returns false, with a reason, when
    /// the platform cannot pin or the kernel refused (core offline, outside the cgroup's set).
    /// </summary>
    public static bool TryPinCurrentThread(int core, out string? error)
    {
        if (!IsSupported)
        {
            error = "CPU pinning is only supported on Linux; the thread runs unpinned.";
            return false;
        }

        if ((uint)core >= CpuSetWords * 64)
        {
            error = $"CPU core {core} is out of range (0..{(CpuSetWords * 64) - 1}).";
            return false;
        }

        Span<ulong> mask = stackalloc ulong[CpuSetWords];
        mask.Clear();
        mask[core / 64] = 1UL << (core % 64);
        unsafe
        {
            fixed (ulong* maskPtr = mask)
            {
                // pid 0 means the calling thread on Linux.
                if (SchedSetAffinity(0, (nuint)(CpuSetWords * sizeof(ulong)), maskPtr) != 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    error = $"sched_setaffinity to core {core} failed (errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)}).";
                    return false;
                }
            }
        }

        error = null;
        return true;
    }

    /// <summary>The cores the calling thread may run on, or null where that cannot be read.</summary>
    public static IReadOnlyList<int>? GetCurrentThreadAffinity()
    {
        if (!IsSupported)
        {
            return null;
        }

        Span<ulong> mask = stackalloc ulong[CpuSetWords];
        mask.Clear();
        unsafe
        {
            fixed (ulong* maskPtr = mask)
            {
                if (SchedGetAffinity(0, (nuint)(CpuSetWords * sizeof(ulong)), maskPtr) != 0)
                {
                    return null;
                }
            }
        }

        var cores = new List<int>();
        for (int core = 0; core < CpuSetWords * 64; core++)
        {
            if ((mask[core / 64] & (1UL << (core % 64))) != 0)
            {
                cores.Add(core);
            }
        }

        return cores;
    }

    /// <summary>Sets the calling thread's allowed cores (used to undo a pin).</summary>
    public static bool TrySetCurrentThreadAffinity(IReadOnlyList<int> cores)
    {
        ArgumentNullException.ThrowIfNull(cores);
        if (!IsSupported)
        {
            return false;
        }

        Span<ulong> mask = stackalloc ulong[CpuSetWords];
        mask.Clear();
        foreach (int core in cores)
        {
            if ((uint)core < CpuSetWords * 64)
            {
                mask[core / 64] |= 1UL << (core % 64);
            }
        }

        unsafe
        {
            fixed (ulong* maskPtr = mask)
            {
                return SchedSetAffinity(0, (nuint)(CpuSetWords * sizeof(ulong)), maskPtr) == 0;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static unsafe partial int SchedSetAffinity(int pid, nuint cpuSetSize, ulong* mask);

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static unsafe partial int SchedGetAffinity(int pid, nuint cpuSetSize, ulong* mask);
}
