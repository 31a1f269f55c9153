namespace Orchestrator.RingBuffer;

/// <summary>How a pipeline is built: ring size, producers, waiting, failure policy, batching.</summary>
public sealed record DisruptorOptions
{
    /// <summary>Slots in the ring; a power of two.</summary>
    public int BufferSize { get; init; } = 1024;

    public ProducerType ProducerType { get; init; } = ProducerType.Multi;

    /// <summary>How consumers wait. Blocking by default: correct on a 2-core machine.</summary>
    public WaitStrategyKind WaitStrategy { get; init; } = WaitStrategyKind.Blocking;

    /// <summary>What a processor does after its handler throws.</summary>
    public ExceptionPolicy ExceptionPolicy { get; init; } = ExceptionPolicy.Halt;

    /// <summary>Upper bound on events handled before a processor publishes its progress.</summary>
    public int MaxBatchSize { get; init; } = int.MaxValue;

    /// <summary>Prefix of processor thread names.</summary>
    public string ThreadNamePrefix { get; init; } = "ring";
}
