namespace Orchestrator.Agents.Messaging;

/// <summary>A topic's subscribers and counter inside the broker.</summary>
internal sealed class TopicEntry(string topic)
{
    private Subscription[] _subscribers = [];
    private long _published;

    public string Topic { get; } = topic;

    // Volatile: publishers read the array without the broker's lock; subscribe/unsubscribe replace
    // it (copy-on-write under the lock) and never mutate a published array.
    public Subscription[] Subscribers
    {
        get => Volatile.Read(ref _subscribers);
        set => Volatile.Write(ref _subscribers, value);
    }

    // Interlocked: many publishers count concurrently.
    public long Published => Interlocked.Read(ref _published);

    public void CountPublished() => Interlocked.Increment(ref _published);
}
