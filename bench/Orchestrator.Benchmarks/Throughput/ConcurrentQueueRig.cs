using System.Collections.Concurrent;

namespace Orchestrator.Benchmarks.Throughput;

/// <summary>
/// A bare <see cref="ConcurrentQueue{T}"/> per stage, one dedicated thread per stage polling it
/// and yielding when it is empty (the ring rigs' wait strategy), producers yielding while the
/// queue holds the capacity: the lock-free queue without BlockingCollection's semaphores. The
/// bound is approximate with several producers (Count, then Enqueue).
/// </summary>
public sealed class ConcurrentQueueRig : ThroughputRig
{
    private readonly ConcurrentQueue<long>[] _queues;
    private readonly Thread[] _stages;
    private readonly int _capacity;
    private volatile bool _stopping;

    public ConcurrentQueueRig(Topology topology, int capacity = Capacity)
        : base(topology)
    {
        _capacity = capacity;
        _queues = new ConcurrentQueue<long>[topology.Stages];
        for (int i = 0; i < _queues.Length; i++)
        {
            _queues[i] = new ConcurrentQueue<long>();
        }

        _stages = new Thread[topology.Stages];
        for (int i = 0; i < _stages.Length; i++)
        {
            ConcurrentQueue<long> input = _queues[i];
            ConcurrentQueue<long>? output = i + 1 < _queues.Length ? _queues[i + 1] : null;
            _stages[i] = new Thread(() => StageLoop(input, output)) { IsBackground = true, Name = "bench-cq-" + i };
            _stages[i].Start();
        }
    }

    protected override void Produce(int producer, long count)
    {
        ConcurrentQueue<long> queue = _queues[0];
        for (long i = 0; i < count; i++)
        {
            Enqueue(queue, i);
        }
    }

    private void Enqueue(ConcurrentQueue<long> queue, long value)
    {
        while (queue.Count >= _capacity)
        {
            Thread.Yield();
        }

        queue.Enqueue(value);
    }

    private void StageLoop(ConcurrentQueue<long> input, ConcurrentQueue<long>? output)
    {
        while (!_stopping)
        {
            if (!input.TryDequeue(out long value))
            {
                Thread.Yield();
                continue;
            }

            if (output is null)
            {
                Consumed(value);
            }
            else
            {
                Enqueue(output, value + 1);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stopping = true;
            foreach (Thread stage in _stages)
            {
                stage.Join(TimeSpan.FromSeconds(10));
            }
        }

        base.Dispose(disposing);
    }
}
