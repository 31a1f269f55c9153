namespace Orchestrator.RingBuffer.Util;

/// <summary>Layout constants, named once.</summary>
internal static class Constants
{
    /// <summary>
    /// Bytes of padding on each side of a contended field. 128 rather than 64 because Intel's
    /// adjacent-line (spatial) prefetcher pulls cache lines in 128-byte aligned pairs, so two
    /// hot fields 64 bytes apart can still false-share. Memory cost is a few hundred bytes per
    /// sequence, and there are only a handful of sequences per pipeline.
    /// </summary>
    public const int CacheLinePadding = 128;

    /// <summary>Bytes of empty slots kept before and after the ring's entries.</summary>
    public const int RingPaddingBytes = 128;
}
