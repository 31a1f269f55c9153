using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Orchestrator.RingBuffer.Util;

namespace Orchestrator.RingBuffer.Tests;

/// <summary>Every padded layout keeps its hot field a full padding away from its neighbours.</summary>
public sealed class LayoutTests
{
    private sealed class RawObject
    {
#pragma warning disable CS0649 // only its address is used
        public byte FirstField;
#pragma warning restore CS0649
    }

    [Fact]
    public void Sequence_ValueIsPaddedOnBothSides()
    {
        var sequence = new Sequence();
        ref byte start = ref Unsafe.As<RawObject>(sequence).FirstField;
        ref byte value = ref Unsafe.As<long, byte>(ref sequence.ValueRef);

        long offset = Unsafe.ByteOffset(ref start, ref value);
        Assert.Equal(Constants.CacheLinePadding, offset);

        StructLayoutAttribute layout = typeof(Sequence).StructLayoutAttribute!;
        Assert.Equal(LayoutKind.Explicit, layout.Value);
        Assert.True(layout.Size - offset - sizeof(long) >= Constants.CacheLinePadding, "trailing padding too small");
    }

    [Fact]
    public void SingleProducerFields_ArePaddedOnBothSides()
    {
        Assert.Equal((Constants.CacheLinePadding * 2) + 16, Unsafe.SizeOf<SingleProducerSequencer.ProducerFields>());
        Assert.Equal(Constants.CacheLinePadding, (int)Marshal.OffsetOf<SingleProducerSequencer.ProducerFields>(nameof(SingleProducerSequencer.ProducerFields.NextValue)));
    }

    [Fact]
    public void RingEntries_HavePaddingSlotsOnBothSides()
    {
        var ring = RingBuffer<TestEvent>.CreateSingleProducer(8, new BlockingWaitStrategy());
        int pad = RingBuffer<TestEvent>.PadSlots;
        Assert.True(pad * Unsafe.SizeOf<TestEvent>() >= Constants.RingPaddingBytes);
        Assert.Equal(8 + (2 * pad), ring.Entries.Length);

        // Slot 0 is the first element after the leading padding.
        ring[0].Value = 99;
        Assert.Equal(99, ring.Entries[pad].Value);
        ring[7].Value = 77;
        Assert.Equal(77, ring.Entries[pad + 7].Value);
        Assert.Equal(0, ring.Entries[pad + 8].Value);
    }
}
