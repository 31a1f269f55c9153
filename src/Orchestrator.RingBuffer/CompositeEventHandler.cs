namespace Orchestrator.RingBuffer;

/// <summary>
/// Several handlers run one after another on one processor thread, in the order given: the way
/// to group stages that are too cheap to deserve a thread (and a hand-off) of their own.
/// </summary>
public sealed class CompositeEventHandler<T> : IEventHandler<T>, ILifecycleAware
    where T : struct
{
    private readonly IEventHandler<T>[] _handlers;

    public CompositeEventHandler(params IEventHandler<T>[] handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        if (handlers.Length == 0)
        {
            Util.ThrowHelper.ThrowNoHandlers();
        }

        _handlers = (IEventHandler<T>[])handlers.Clone();
    }

    public IReadOnlyList<IEventHandler<T>> Handlers => _handlers;

    public void OnEvent(ref T data, long sequence, bool endOfBatch)
    {
        IEventHandler<T>[] handlers = _handlers;
        for (int i = 0; i < handlers.Length; i++)
        {
            handlers[i].OnEvent(ref data, sequence, endOfBatch);
        }
    }

    public void OnStart()
    {
        foreach (IEventHandler<T> handler in _handlers)
        {
            (handler as ILifecycleAware)?.OnStart();
        }
    }

    public void OnShutdown()
    {
        foreach (IEventHandler<T> handler in _handlers)
        {
            (handler as ILifecycleAware)?.OnShutdown();
        }
    }
}
