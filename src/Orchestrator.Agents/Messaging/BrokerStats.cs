namespace Orchestrator.Agents.Messaging;

/// <summary>A point-in-time view of the broker's counters (each counter read atomically, not all at one instant).</summary>
/// <param name="Topics">Every topic published to or subscribed, ordered by name.</param>
/// <param name="Subscribers">Every live subscription, ordered by topic then name.</param>
public sealed record BrokerStats(IReadOnlyList<TopicStats> Topics, IReadOnlyList<SubscriberStats> Subscribers);
