using System.Collections.Concurrent;
using NLog;

namespace Orchestrator.Agents.Messaging;

/// <summary>
/// Publish/subscribe between agents and the orchestrator on the slow path. Topics are strings
/// (<see cref="Topics"/> names the well-known ones); a subscription to <see cref="Topics.All"/>
/// receives every topic.
/// </summary>
/// <remarks>
/// <para>
/// <b>Overflow.</b> Every subscriber has its own bounded queue (its capacity is given at
/// <see cref="Subscribe"/>), so a slow subscriber can only ever lose its own messages and the
/// broker's memory is bounded by the sum of the capacities. <see cref="Publish"/> never waits for a
/// reader: when a queue is full its <see cref="OverflowPolicy"/> decides at once —
/// <see cref="OverflowPolicy.DropOldest"/> (the default) drops the oldest queued message and keeps the
/// new one; <see cref="OverflowPolicy.DropNewest"/> drops the new one; <see cref="OverflowPolicy.Reject"/>,
/// for topics that must not lose, refuses the new one and tells the publisher through
/// <see cref="PublishResult.Rejected"/>. Every loss is counted on the subscriber
/// (<see cref="Subscription.Dropped"/>) and logged at WARNING once per burst, not per message.
/// </para>
/// <para>
/// <b>Threads.</b> Any number of threads may publish, subscribe and unsubscribe at once. A publish
/// takes a short per-subscriber lock (one queue operation) and no broker-wide lock. The messages of
/// one publisher reach each subscriber in the order they were published.
/// </para>
/// </remarks>
public sealed class MessageBroker
{
    /// <summary>The queue bound <see cref="Subscribe"/> uses when none is given.</summary>
    public const int DefaultCapacity = 1024;

    private readonly ConcurrentDictionary<string, TopicEntry> _topics = new(StringComparer.Ordinal);
    private readonly TopicEntry _wildcard = new(Topics.All);
    private readonly Lock _subscribeLock = new();
    private readonly TimeProvider _time;
    private readonly Logger _logger;
    private long _sequence;

    /// <summary>Creates a broker.</summary>
    /// <param name="time">Stamps messages; the system clock when null.</param>
    /// <param name="logger">Where drops are reported; <c>Orchestrator.Messaging</c> when null.</param>
    public MessageBroker(TimeProvider? time = null, Logger? logger = null)
    {
        _time = time ?? TimeProvider.System;
        _logger = logger ?? LogManager.GetLogger("Orchestrator.Messaging");
    }

    /// <summary>Subscribes <paramref name="name"/> to <paramref name="topic"/> (or <see cref="Topics.All"/>) with its own bounded queue.</summary>
    /// <param name="topic">The topic, or <see cref="Topics.All"/> for every topic.</param>
    /// <param name="name">The subscriber, for stats and logs (need not be unique).</param>
    /// <param name="capacity">The queue's bound, 1 or more.</param>
    /// <param name="policy">What a full queue does with one more message.</param>
    /// <returns>The subscription; dispose it to unsubscribe.</returns>
    public Subscription Subscribe(string topic, string name, int capacity = DefaultCapacity, OverflowPolicy policy = OverflowPolicy.DropOldest)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        if (!Enum.IsDefined(policy))
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy, "not an overflow policy");
        }

        var subscription = new Subscription(this, _logger, topic, name, capacity, policy);
        TopicEntry entry = EntryFor(topic);
        lock (_subscribeLock)
        {
            entry.Subscribers = [.. entry.Subscribers, subscription];
        }

        return subscription;
    }

    /// <summary>
    /// Publishes <paramref name="payload"/> to every subscriber of <paramref name="topic"/> and every
    /// wildcard subscriber. Never waits for a reader; a full queue applies its subscriber's policy.
    /// </summary>
    /// <param name="topic">The topic (not <see cref="Topics.All"/>).</param>
    /// <param name="payload">The message body, shared by reference with all subscribers (see <see cref="BrokerMessage.Payload"/>).</param>
    /// <returns>The sequence and how many subscribers queued it, lost a message, or refused it.</returns>
    public PublishResult Publish(string topic, object payload)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(payload);
        if (topic == Topics.All)
        {
            throw new ArgumentException("'*' is for subscribing to every topic; publish to a topic", nameof(topic));
        }

        TopicEntry entry = EntryFor(topic);

        // Interlocked: publishers on many threads draw unique, increasing sequences.
        long sequence = Interlocked.Increment(ref _sequence);
        var message = new BrokerMessage(topic, payload, _time.GetUtcNow(), sequence);
        entry.CountPublished();

        (int Delivered, int Dropped, int Rejected) tally = default;
        Offer(entry.Subscribers, message, ref tally);
        Offer(_wildcard.Subscribers, message, ref tally);
        return new PublishResult(sequence, tally.Delivered, tally.Dropped, tally.Rejected);
    }

    /// <summary>Counters per topic and per subscriber.</summary>
    public BrokerStats GetStats()
    {
        TopicEntry[] entries = [.. _topics.Values.OrderBy(e => e.Topic, StringComparer.Ordinal)];
        TopicStats[] topics = [.. entries.Select(e => new TopicStats(e.Topic, e.Published, e.Subscribers.Length))];
        SubscriberStats[] subscribers =
        [
            .. _wildcard.Subscribers.Concat(entries.SelectMany(e => e.Subscribers))
                .Select(s => s.GetStats())
                .OrderBy(s => s.Topic, StringComparer.Ordinal)
                .ThenBy(s => s.Name, StringComparer.Ordinal),
        ];
        return new BrokerStats(topics, subscribers);
    }

    /// <summary>Takes a disposed subscription out of its topic.</summary>
    internal void Remove(Subscription subscription)
    {
        TopicEntry entry = EntryFor(subscription.Topic);
        lock (_subscribeLock)
        {
            entry.Subscribers = [.. entry.Subscribers.Where(s => !ReferenceEquals(s, subscription))];
        }
    }

    private static void Offer(Subscription[] subscribers, BrokerMessage message, ref (int Delivered, int Dropped, int Rejected) tally)
    {
        foreach (Subscription subscriber in subscribers)
        {
            switch (subscriber.Offer(message))
            {
                case OfferOutcome.Delivered:
                    tally.Delivered++;
                    break;
                case OfferOutcome.DeliveredDroppingOldest:
                    tally.Delivered++;
                    tally.Dropped++;
                    break;
                case OfferOutcome.DroppedNewest:
                    tally.Dropped++;
                    break;
                case OfferOutcome.Rejected:
                    tally.Rejected++;
                    break;
                default:
                    break;
            }
        }
    }

    private TopicEntry EntryFor(string topic) =>
        topic == Topics.All ? _wildcard : _topics.GetOrAdd(topic, static t => new TopicEntry(t));
}
