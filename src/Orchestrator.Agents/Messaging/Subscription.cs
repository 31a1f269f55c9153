using System.Threading.Channels;
using NLog;

namespace Orchestrator.Agents.Messaging;

/// <summary>
/// One subscriber's bounded queue on a <see cref="MessageBroker"/> topic. Read it through
/// <see cref="Reader"/> (or <see cref="ReadAllAsync"/>); <see cref="Dispose"/> unsubscribes and
/// completes the reader once what is queued has been read.
/// </summary>
/// <remarks>
/// Publishers write under a per-subscription lock held for one queue operation, so a full queue
/// is resolved by the policy at once and the publisher never waits for the reader. Losses are
/// counted one by one but logged once per burst: a WARNING when the subscriber starts losing, an
/// INFO with the burst's count when it has caught up (its queue back to half capacity or less).
/// </remarks>
public sealed class Subscription : IDisposable
{
    private readonly Channel<BrokerMessage> _channel;
    private readonly MessageBroker _broker;
    private readonly Logger _logger;
    private readonly Lock _writeLock = new();
    private long _delivered;
    private long _dropped;
    private long _burstDropped;
    private bool _inBurst;
    private bool _closed;

    internal Subscription(MessageBroker broker, Logger logger, string topic, string name, int capacity, OverflowPolicy policy)
    {
        _broker = broker;
        _logger = logger;
        Topic = topic;
        Name = name;
        Capacity = capacity;
        Policy = policy;

        // Wait mode makes TryWrite fail on a full queue so the policy below decides; no writer ever
        // waits. Not SingleReader: a DropOldest publisher takes the oldest item out itself.
        _channel = Channel.CreateBounded<BrokerMessage>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
    }

    /// <summary>The topic subscribed (or <see cref="Topics.All"/>).</summary>
    public string Topic { get; }

    /// <summary>The subscriber's name (for stats and logs).</summary>
    public string Name { get; }

    /// <summary>The queue's bound.</summary>
    public int Capacity { get; }

    /// <summary>What a full queue does.</summary>
    public OverflowPolicy Policy { get; }

    /// <summary>The subscriber's queue.</summary>
    public ChannelReader<BrokerMessage> Reader => _channel.Reader;

    /// <summary>Messages put in the queue so far.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Messages lost to a full queue so far (dropped or rejected).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Messages waiting now; never more than <see cref="Capacity"/>.</summary>
    public int QueueDepth => _channel.Reader.Count;

    /// <summary>The messages as they arrive, until the subscription is disposed or the token cancels.</summary>
    public IAsyncEnumerable<BrokerMessage> ReadAllAsync(CancellationToken cancellationToken = default) =>
        _channel.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Stops delivery; messages already queued can still be read, then the reader completes.</summary>
    public void Dispose()
    {
        lock (_writeLock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
        }

        _channel.Writer.TryComplete();
        _broker.Remove(this);
    }

    internal SubscriberStats GetStats() => new(Name, Topic, Policy, Capacity, Delivered, Dropped, QueueDepth);

    /// <summary>Queues <paramref name="message"/> or applies the policy; never waits for the reader.</summary>
    internal OfferOutcome Offer(BrokerMessage message)
    {
        OfferOutcome outcome;
        bool burstStarted = false;
        long burstEnded = 0;
        lock (_writeLock)
        {
            if (_closed)
            {
                return OfferOutcome.Closed;
            }

            if (_channel.Writer.TryWrite(message))
            {
                outcome = OfferOutcome.Delivered;
            }
            else if (Policy == OverflowPolicy.DropOldest)
            {
                // Only writers hold this lock, so after taking one item out (or finding that the
                // reader just did) the write cannot fail.
                bool removed = _channel.Reader.TryRead(out _);
                _channel.Writer.TryWrite(message);
                outcome = removed ? OfferOutcome.DeliveredDroppingOldest : OfferOutcome.Delivered;
            }
            else
            {
                outcome = Policy == OverflowPolicy.DropNewest ? OfferOutcome.DroppedNewest : OfferOutcome.Rejected;
            }

            if (outcome is OfferOutcome.Delivered or OfferOutcome.DeliveredDroppingOldest)
            {
                // Interlocked: stats readers on other threads.
                Interlocked.Increment(ref _delivered);
            }

            if (outcome == OfferOutcome.Delivered)
            {
                if (_inBurst && _channel.Reader.Count <= Capacity / 2)
                {
                    _inBurst = false;
                    burstEnded = _burstDropped;
                }
            }
            else
            {
                Interlocked.Increment(ref _dropped);
                if (!_inBurst)
                {
                    _inBurst = true;
                    _burstDropped = 0;
                    burstStarted = true;
                }

                _burstDropped++;
            }
        }

        if (burstStarted)
        {
            _logger.Warn(
                "Subscriber {0} on '{1}' is losing messages: its queue is full ({2}, {3}); losses are counted, and logged again when it has caught up",
                Name, Topic, Capacity, Policy);
        }
        else if (burstEnded > 0)
        {
            _logger.Info("Subscriber {0} on '{1}' caught up after losing {2} messages ({3} lost in all)", Name, Topic, burstEnded, Dropped);
        }

        return outcome;
    }
}
