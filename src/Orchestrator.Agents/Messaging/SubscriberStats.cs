namespace Orchestrator.Agents.Messaging;

/// <summary>Counters of one subscription.</summary>
/// <param name="Name">The subscriber's name.</param>
/// <param name="Topic">Its topic (or <see cref="Topics.All"/>).</param>
/// <param name="Policy">Its overflow policy.</param>
/// <param name="Capacity">Its queue's bound.</param>
/// <param name="Delivered">Messages put in its queue.</param>
/// <param name="Dropped">Messages it lost to a full queue (dropped or rejected, whatever the policy).</param>
/// <param name="QueueDepth">Messages waiting in its queue now.</param>
public sealed record SubscriberStats(string Name, string Topic, OverflowPolicy Policy, int Capacity, long Delivered, long Dropped, int QueueDepth);
