using System.Diagnostics;
using System.Threading.Channels;

namespace Orchestrator.Benchmarks.Latency;

/// <summary>
/// The baseline beside <see cref="BareHopRig"/>: one hop through a bounded
/// <see cref="Channel{T}"/> (single reader, single writer) as Microsoft recommends it.
/// <code>
///   producer (paced) ──▶ [ Channel&lt;long&gt; ] ──▶ async reader (records latency)
/// </code>
/// The reader drains with TryRead after each WaitToReadAsync; an idle reader is parked, so every
/// event after a pause pays the thread-pool wake-up, which is what the channel costs.
/// </summary>
public sealed class ChannelHopRig : OneHopRig
{
    private const int Capacity = 1 << 16;

    private readonly Channel<long> _channel = Channel.CreateBounded<long>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Task _reader;

    public ChannelHopRig()
    {
        _reader = Task.Run(ReadAsync);
    }

    public override string Implementation => "channels";

    /// <summary>The reader awaits WaitToReadAsync: parked until the writer wakes it.</summary>
    public override string WaitStrategy => "async";

    protected override void PublishStamped()
    {
        long now = Stopwatch.GetTimestamp();
        if (!_channel.Writer.TryWrite(now))
        {
            _channel.Writer.WriteAsync(now).AsTask().GetAwaiter().GetResult();
        }
    }

    private async Task ReadAsync()
    {
        ChannelReader<long> reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out long publishTimestamp))
            {
                Received(publishTimestamp);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _channel.Writer.Complete();
            _reader.Wait(TimeSpan.FromSeconds(10));
        }
    }
}
