using Disruptor.Dsl;

namespace Orchestrator.Engine.Ring;

/// <summary>How a <see cref="RingPipeline{T}"/> is built: ring size, producers, waiting, failure policy, thread names.</summary>
public sealed record RingOptions
{
    /// <summary>Slots in the ring; a power of two.</summary>
    public int BufferSize { get; init; } = 1024;

    public ProducerType ProducerType { get; init; } = ProducerType.Multi;

    /// <summary>How the stages wait for events.</summary>
    public WaitStrategyKind WaitStrategy { get; init; } = WaitStrategyKind.Blocking;

    /// <summary>What a stage does after its handler throws.</summary>
    public ExceptionPolicy ExceptionPolicy { get; init; } = ExceptionPolicy.Halt;

    /// <summary>Prefix of the stages' thread names (<c>prefix-HandlerType</c>).</summary>
    public string ThreadNamePrefix { get; init; } = "ring";
}
