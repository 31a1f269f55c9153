using Orchestrator.RingBuffer.Threading;

namespace Orchestrator.RingBuffer.Tests;

public sealed class ThreadAffinityTests
{
    [Fact]
    public void TryPinCurrentThread_OnLinux_RestrictsTheThreadToThatCore()
    {
        if (!ThreadAffinity.IsSupported)
        {
            Assert.False(ThreadAffinity.TryPinCurrentThread(0, out string? reason));
            Assert.NotNull(reason);
            return;
        }

        IReadOnlyList<int>? pinned = null;
        bool ok = false;
        int core = -1;
        var thread = new Thread(() =>
        {
            IReadOnlyList<int> allowed = ThreadAffinity.GetCurrentThreadAffinity()!;
            core = allowed[^1];
            ok = ThreadAffinity.TryPinCurrentThread(core, out _);
            pinned = ThreadAffinity.GetCurrentThreadAffinity();
        });
        thread.Start();
        Assert.True(thread.Join(Waits.Hang));

        Assert.True(ok);
        Assert.Equal(new[] { core }, pinned);
    }

    [Fact]
    public void TryPinCurrentThread_WhenCoreIsOutOfRange_ReturnsFalseWithAReason()
    {
        Assert.False(ThreadAffinity.TryPinCurrentThread(100_000, out string? reason));
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Fact]
    public void PinTo_PinsTheProcessorThread()
    {
        if (!ThreadAffinity.IsSupported)
        {
            return;
        }

        int core = ThreadAffinity.GetCurrentThreadAffinity()![0];
        IReadOnlyList<int>? seen = null;
        var done = new ManualResetEventSlim();
        var disruptor = new Disruptor<TestEvent>(new DisruptorOptions { BufferSize = 8, ProducerType = ProducerType.Single });
        disruptor.HandleEventsWith(new ActionHandler((ref TestEvent e, long s, bool _) =>
        {
            seen = ThreadAffinity.GetCurrentThreadAffinity();
            done.Set();
        })).PinTo(core);
        RingBuffer<TestEvent> ring = disruptor.Start();
        ring.Publish(ring.Next());

        Assert.True(done.Wait(Waits.Hang));
        disruptor.Shutdown(Waits.Hang);
        Assert.Equal(new[] { core }, seen);
    }
}
