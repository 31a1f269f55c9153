using Disruptor;
using Disruptor.Dsl;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Engine.Audit;

/// <summary>
/// The hand-off from fast-path stages to the audit log: a multi-producer side ring of
/// <see cref="AuditRecord"/>s, rendered by <see cref="AuditFormatter"/> on its own thread
/// (sleeping wait strategy: it never competes for a core). <see cref="TryPublish"/> never
/// blocks a stage: if the ring is full the record is dropped and counted in
/// <see cref="Dropped"/>, which the status line and the report show.
/// </summary>
public sealed class AuditTrail
{
    private readonly RingPipeline<AuditRecord> _disruptor;
    private readonly ValueRingBuffer<AuditRecord> _ring;
    private long _dropped;
    private long _written;

    public AuditTrail(AuditFormatter formatter, IAuditWriter writer, int bufferSize = 1 << 15)
    {
        _disruptor = new RingPipeline<AuditRecord>(new RingOptions
        {
            BufferSize = bufferSize,
            ProducerType = ProducerType.Multi,
            WaitStrategy = WaitStrategyKind.Sleeping,
            ExceptionPolicy = ExceptionPolicy.Continue, // a rendering bug must not silence the rest of the audit
            ThreadNamePrefix = "audit",
        });
        _disruptor.HandleEventsWith(new RenderHandler(formatter, writer, this));
        _ring = _disruptor.RingBuffer;
    }

    /// <summary>Records dropped because the ring was full.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Records rendered so far.</summary>
    public long Written => Volatile.Read(ref _written);

    public void Start() => _disruptor.Start();

    /// <summary>Renders everything already handed off, then stops the audit thread.</summary>
    public ShutdownResult Shutdown(TimeSpan timeout) => _disruptor.Shutdown(timeout);

    /// <summary>Hands a record to the audit thread; never blocks, never allocates.</summary>
    /// <summary>While set (recovery from the journal), records are not published: those events were logged before the restart.</summary>
    public bool Muted { get; set; }

    public bool TryPublish(in AuditRecord record)
    {
        if (Muted)
        {
            return false;
        }

        // The scope publishes the claimed slot when disposed, whatever happens in between.
        using ValueRingBuffer<AuditRecord>.NullableUnpublishedEventScope scope = _ring.TryPublishEvent();
        if (!scope.TryGetEvent(out ValueRingBuffer<AuditRecord>.EventRef slot))
        {
            // Atomic: several stages may drop at once.
            Interlocked.Increment(ref _dropped);
            return false;
        }

        slot.Event() = record;
        return true;
    }

    private sealed class RenderHandler(AuditFormatter formatter, IAuditWriter writer, AuditTrail owner) : IValueEventHandler<AuditRecord>
    {
        public void OnEvent(ref AuditRecord data, long sequence, bool endOfBatch)
        {
            if (writer.IsEnabled)
            {
                (AuditLevel level, string message) = formatter.Format(data);
                writer.Write(level, message, data);
            }

            // Release write: readers of Written see rendered records.
            Volatile.Write(ref owner._written, owner._written + 1);
        }
    }
}
