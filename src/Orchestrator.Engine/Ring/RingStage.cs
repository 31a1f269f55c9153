using Disruptor;
using Disruptor.Dsl;

namespace Orchestrator.Engine.Ring;

/// <summary>
/// Stages just wired into a <see cref="RingPipeline{T}"/>; chain further stages after them with
/// <see cref="Then"/>, or place their threads with <see cref="PinTo"/>.
/// </summary>
public sealed class RingStage<T>
    where T : struct
{
    private readonly RingPipeline<T> _pipeline;
    private readonly ValueEventHandlerGroup<T> _group;
    private readonly RingProcessor<T>[] _processors;

    internal RingStage(RingPipeline<T> pipeline, ValueEventHandlerGroup<T> group, RingProcessor<T>[] processors)
    {
        _pipeline = pipeline;
        _group = group;
        _processors = processors;
    }

    /// <summary>The stages of this group, in the order their handlers were given.</summary>
    public IReadOnlyList<RingProcessor<T>> Processors => _processors;

    /// <summary>Handlers (each on its own thread, in parallel) that see an event only after every stage of this group has.</summary>
    public RingStage<T> Then(params IValueEventHandler<T>[] handlers) => _pipeline.Wire(_group, handlers);

    /// <summary>
    /// Pins the group's threads to CPU cores, the i-th stage to <paramref name="cores"/>[i]
    /// (Linux <c>sched_setaffinity</c>; elsewhere a logged no-op). Before Start only.
    /// </summary>
    public RingStage<T> PinTo(params int[] cores)
    {
        ArgumentNullException.ThrowIfNull(cores);
        for (int i = 0; i < _processors.Length && i < cores.Length; i++)
        {
            _processors[i].Core = cores[i];
        }

        return this;
    }
}
