namespace Orchestrator.Agents.Messaging;

/// <summary>What one <see cref="MessageBroker.Publish"/> did.</summary>
/// <param name="Sequence">The message's sequence number.</param>
/// <param name="Delivered">Subscribers that queued the message.</param>
/// <param name="Dropped">
/// Subscribers that lost a message to this publish: an older one (<see cref="OverflowPolicy.DropOldest"/>,
/// which still queued this one and so also counts in <paramref name="Delivered"/>) or this one
/// (<see cref="OverflowPolicy.DropNewest"/>).
/// </param>
/// <param name="Rejected">
/// <see cref="OverflowPolicy.Reject"/> subscribers whose queue was full: they did not get this message,
/// and nothing else was lost.
/// </param>
public readonly record struct PublishResult(long Sequence, int Delivered, int Dropped, int Rejected)
{
    /// <summary>Whether every subscriber queued the message without losing anything.</summary>
    public bool Lossless => Dropped == 0 && Rejected == 0;
}
