using Disruptor;

namespace Orchestrator.Engine.Tests.Ring;

/// <summary>Generous upper bound for waits that only guard against a hang; never a timing assertion.</summary>
internal static class Waits
{
    public static readonly TimeSpan Hang = TimeSpan.FromSeconds(120);
}

/// <summary>The event used by the ring glue tests.</summary>
public struct TestEvent
{
    public long Value;
}

/// <summary>Counts events and signals when a given sequence has been handled.</summary>
public class CountingHandler(long lastSequence) : IValueEventHandler<TestEvent>
{
    private long _count;

    public ManualResetEventSlim Done { get; } = new();

    public long Count => Volatile.Read(ref _count);

    public virtual void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
    {
        // Release write: the test thread reads Count after Done.
        Volatile.Write(ref _count, _count + 1);
        if (sequence == lastSequence)
        {
            Done.Set();
        }
    }
}

/// <summary>Throws at one sequence, counts the rest.</summary>
public sealed class ThrowingHandler(long throwAt, long lastSequence) : CountingHandler(lastSequence)
{
    public override void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
    {
        if (sequence == throwAt)
        {
            throw new InvalidOperationException("boom at " + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        base.OnEvent(ref data, sequence, endOfBatch);
    }
}

/// <summary>Blocks inside OnEvent until released: a stuck handler.</summary>
public sealed class BlockingHandler : IValueEventHandler<TestEvent>
{
    public ManualResetEventSlim Entered { get; } = new();

    public ManualResetEventSlim Release { get; } = new();

    public void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
    {
        Entered.Set();
        Release.Wait();
    }
}

/// <summary>Records the thread it runs on, its affinity, and the lifecycle calls it sees.</summary>
public sealed class ThreadRecordingHandler : IValueEventHandler<TestEvent>
{
    public ManualResetEventSlim Seen { get; } = new();

    public string? EventThread { get; private set; }

    public string? StartThread { get; private set; }

    public string? ShutdownThread { get; private set; }

    public IReadOnlyList<int>? Affinity { get; private set; }

    public void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
    {
        EventThread = Thread.CurrentThread.Name;
        Affinity = Engine.Ring.ThreadAffinity.GetCurrentThreadAffinity();
        Seen.Set();
    }

    public void OnStart() => StartThread = Thread.CurrentThread.Name;

    public void OnShutdown() => ShutdownThread = Thread.CurrentThread.Name;
}
