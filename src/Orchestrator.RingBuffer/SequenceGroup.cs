using System.Runtime.CompilerServices;

namespace Orchestrator.RingBuffer;

/// <summary>Operations over a set of sequences read as one (the slowest wins).</summary>
public static class SequenceGroup
{
    /// <summary>The smallest value among <paramref name="sequences"/>, or <paramref name="minimum"/> if that is smaller or the set is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Minimum(Sequence[] sequences, long minimum)
    {
        for (int i = 0; i < sequences.Length; i++)
        {
            long value = sequences[i].Value;
            if (value < minimum)
            {
                minimum = value;
            }
        }

        return minimum;
    }
}
