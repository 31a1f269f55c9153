using System.Collections.Concurrent;

namespace Orchestrator.RingBuffer.Tests;

/// <summary>Generous upper bound for waits that only guard against a hang; never a timing assertion.</summary>
internal static class Waits
{
    public static readonly TimeSpan Hang = TimeSpan.FromSeconds(120);
}

/// <summary>Counts events and signals when a given sequence has been handled.</summary>
internal class CountingHandler : IEventHandler<TestEvent>
{
    private readonly long _lastSequence;
    private long _count;

    public CountingHandler(long lastSequence) => _lastSequence = lastSequence;

    public ManualResetEventSlim Done { get; } = new();

    public long Count => Volatile.Read(ref _count);

    public virtual void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
    {
        Volatile.Write(ref _count, _count + 1);
        if (sequence == _lastSequence)
        {
            Done.Set();
        }
    }
}

/// <summary>Checks that events arrive in sequence order, that each carries the value its producer wrote, and records failures.</summary>
internal sealed class OrderCheckingHandler : CountingHandler
{
    private readonly long[] _lastValueByProducer;
    private long _expectedSequence;

    public OrderCheckingHandler(long lastSequence, int producers)
        : base(lastSequence)
    {
        _lastValueByProducer = new long[producers];
        Array.Fill(_lastValueByProducer, -1);
    }

    public ConcurrentQueue<string> Violations { get; } = new();

    public long Checksum { get; private set; }

    public override void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
    {
        if (sequence != _expectedSequence)
        {
            Violations.Enqueue($"expected sequence {_expectedSequence}, got {sequence}");
        }

        _expectedSequence = sequence + 1;
        int producer = (int)data.ProducerId;
        if (data.Value != _lastValueByProducer[producer] + 1)
        {
            Violations.Enqueue($"producer {producer}: expected value {_lastValueByProducer[producer] + 1}, got {data.Value} at sequence {sequence}");
        }

        _lastValueByProducer[producer] = data.Value;
        Checksum += data.Value;
        base.OnEvent(ref data, sequence, endOfBatch);
    }
}

/// <summary>Throws at one sequence, counts the rest.</summary>
internal sealed class ThrowingHandler(long throwAt, long lastSequence) : CountingHandler(lastSequence)
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
internal sealed class BlockingHandler : IEventHandler<TestEvent>
{
    public ManualResetEventSlim Entered { get; } = new();

    public ManualResetEventSlim Release { get; } = new();

    public void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
    {
        Entered.Set();
        Release.Wait();
    }
}

/// <summary>Delegates to a callback; for one-off checks.</summary>
internal sealed class ActionHandler(ActionHandler.Callback callback) : IEventHandler<TestEvent>
{
    public delegate void Callback(ref TestEvent data, long sequence, bool endOfBatch);

    public void OnEvent(ref TestEvent data, long sequence, bool endOfBatch) => callback(ref data, sequence, endOfBatch);
}
