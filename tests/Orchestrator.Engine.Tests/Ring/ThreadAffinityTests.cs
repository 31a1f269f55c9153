using Disruptor.Dsl;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Engine.Tests.Ring;

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
    public void PinTo_PinsTheStageThread()
    {
        if (!ThreadAffinity.IsSupported)
        {
            return;
        }

        int core = ThreadAffinity.GetCurrentThreadAffinity()![^1];
        var ring = new RingPipeline<TestEvent>(new RingOptions { BufferSize = 8, ProducerType = ProducerType.Single });
        var handler = new ThreadRecordingHandler();
        ring.HandleEventsWith(handler).PinTo(core);
        ring.Start();
        ring.RingBuffer.Publish(ring.RingBuffer.Next());

        Assert.True(handler.Seen.Wait(Waits.Hang));
        Assert.Equal(ShutdownResult.Drained, ring.Shutdown(Waits.Hang));
        Assert.Equal(new[] { core }, handler.Affinity);
    }
}
