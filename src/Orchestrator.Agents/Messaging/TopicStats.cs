namespace Orchestrator.Agents.Messaging;

/// <summary>Counters of one topic.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Published">Messages published to it.</param>
/// <param name="Subscribers">Subscribers of exactly this topic (wildcard subscribers not included).</param>
public sealed record TopicStats(string Topic, long Published, int Subscribers);
