using System.Threading.Channels;

namespace Orchestrator.Benchmarks.Throughput;

/// <summary>
/// <see cref="System.Threading.Channels"/> as Microsoft recommends it: bounded channels (single
/// reader, single writer where the topology allows), consumers as async loops draining with
/// TryRead after each WaitToReadAsync; one channel per stage.
/// </summary>
public sealed class ChannelsRig : ThroughputRig
{
    private readonly Channel<long>[] _channels;
    private readonly Task[] _stages;

    public ChannelsRig(Topology topology, int capacity = Capacity)
        : base(topology)
    {
        _channels = new Channel<long>[topology.Stages];
        for (int i = 0; i < _channels.Length; i++)
        {
            _channels[i] = Channel.CreateBounded<long>(new BoundedChannelOptions(capacity)
            {
                SingleReader = true,
                SingleWriter = i > 0 || topology.Producers == 1,
                FullMode = BoundedChannelFullMode.Wait,
            });
        }

        _stages = new Task[topology.Stages];
        for (int i = 0; i < _stages.Length; i++)
        {
            ChannelReader<long> input = _channels[i].Reader;
            ChannelWriter<long>? output = i + 1 < _channels.Length ? _channels[i + 1].Writer : null;
            _stages[i] = output is null
                ? Task.Run(() => ConsumeAsync(input))
                : Task.Run(() => ForwardAsync(input, output));
        }
    }

    protected override void Produce(int producer, long count)
    {
        ChannelWriter<long> writer = _channels[0].Writer;
        for (long i = 0; i < count; i++)
        {
            if (!writer.TryWrite(i))
            {
                writer.WriteAsync(i).AsTask().GetAwaiter().GetResult();
            }
        }
    }

    private static async Task ForwardAsync(ChannelReader<long> input, ChannelWriter<long> output)
    {
        while (await input.WaitToReadAsync().ConfigureAwait(false))
        {
            while (input.TryRead(out long value))
            {
                value++;
                if (!output.TryWrite(value))
                {
                    await output.WriteAsync(value).ConfigureAwait(false);
                }
            }
        }

        output.Complete();
    }

    private async Task ConsumeAsync(ChannelReader<long> input)
    {
        while (await input.WaitToReadAsync().ConfigureAwait(false))
        {
            while (input.TryRead(out long value))
            {
                Consumed(value);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _channels[0].Writer.Complete();
            Task.WaitAll(_stages, TimeSpan.FromSeconds(10));
        }

        base.Dispose(disposing);
    }
}
