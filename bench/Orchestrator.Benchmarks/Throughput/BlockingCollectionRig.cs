using System.Collections.Concurrent;

namespace Orchestrator.Benchmarks.Throughput;

/// <summary>
/// <see cref="BlockingCollection{T}"/> over a ConcurrentQueue, bounded, one dedicated thread per
/// stage blocking in Take: the classic producer/consumer queue.
/// </summary>
public sealed class BlockingCollectionRig : ThroughputRig
{
    private readonly BlockingCollection<long>[] _queues;
    private readonly Thread[] _stages;

    public BlockingCollectionRig(Topology topology, int capacity = Capacity)
        : base(topology)
    {
        _queues = new BlockingCollection<long>[topology.Stages];
        for (int i = 0; i < _queues.Length; i++)
        {
            _queues[i] = new BlockingCollection<long>(new ConcurrentQueue<long>(), capacity);
        }

        _stages = new Thread[topology.Stages];
        for (int i = 0; i < _stages.Length; i++)
        {
            BlockingCollection<long> input = _queues[i];
            BlockingCollection<long>? output = i + 1 < _queues.Length ? _queues[i + 1] : null;
            _stages[i] = new Thread(() => StageLoop(input, output)) { IsBackground = true, Name = "bench-bc-" + i };
            _stages[i].Start();
        }
    }

    protected override void Produce(int producer, long count)
    {
        BlockingCollection<long> queue = _queues[0];
        for (long i = 0; i < count; i++)
        {
            queue.Add(i);
        }
    }

    private void StageLoop(BlockingCollection<long> input, BlockingCollection<long>? output)
    {
        while (input.TryTake(out long value, Timeout.Infinite))
        {
            if (output is null)
            {
                Consumed(value);
            }
            else
            {
                output.Add(value + 1);
            }
        }

        output?.CompleteAdding();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _queues[0].CompleteAdding();
            foreach (Thread stage in _stages)
            {
                stage.Join(TimeSpan.FromSeconds(10));
            }

            foreach (BlockingCollection<long> queue in _queues)
            {
                queue.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
