namespace Orchestrator.RingBuffer;

/// <summary>
/// Handlers just wired into a <see cref="Disruptor{T}"/>; chain further stages after them with
/// <see cref="Then"/>, or place their threads with <see cref="PinTo"/>.
/// </summary>
public sealed class EventHandlerGroup<T>
    where T : struct
{
    private readonly Disruptor<T> _disruptor;
    private readonly IEventProcessor[] _processors;

    internal EventHandlerGroup(Disruptor<T> disruptor, IEventProcessor[] processors)
    {
        _disruptor = disruptor;
        _processors = processors;
    }

    /// <summary>The group's sequences: a later stage waits for all of them.</summary>
    public Sequence[] Sequences
    {
        get
        {
            var sequences = new Sequence[_processors.Length];
            for (int i = 0; i < _processors.Length; i++)
            {
                sequences[i] = _processors[i].Sequence;
            }

            return sequences;
        }
    }

    /// <summary>Handlers (each on its own thread, in parallel) that see an event only after every handler of this group has.</summary>
    public EventHandlerGroup<T> Then(params IEventHandler<T>[] handlers) => _disruptor.CreateProcessors(Sequences, handlers);

    /// <summary>This group together with <paramref name="other"/>: a later stage then waits for both (a diamond).</summary>
    public EventHandlerGroup<T> And(EventHandlerGroup<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new EventHandlerGroup<T>(_disruptor, [.. _processors, .. other._processors]);
    }

    /// <summary>
    /// Pins the group's threads to CPU cores, the i-th handler to <paramref name="cores"/>[i]
    /// (Linux <c>sched_setaffinity</c>; elsewhere a logged no-op). Before Start only.
    /// </summary>
    public EventHandlerGroup<T> PinTo(params int[] cores)
    {
        ArgumentNullException.ThrowIfNull(cores);
        for (int i = 0; i < _processors.Length && i < cores.Length; i++)
        {
            _disruptor.SetCore(_processors[i], cores[i]);
        }

        return this;
    }
}
