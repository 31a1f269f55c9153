namespace Orchestrator.Agents.Messaging;

/// <summary>What one subscription did with one offered message.</summary>
internal enum OfferOutcome
{
    /// <summary>Queued, nothing lost.</summary>
    Delivered,

    /// <summary>Queued after dropping the oldest queued message.</summary>
    DeliveredDroppingOldest,

    /// <summary>Not queued: the queue was full (<see cref="OverflowPolicy.DropNewest"/>).</summary>
    DroppedNewest,

    /// <summary>Not queued: the queue was full (<see cref="OverflowPolicy.Reject"/>).</summary>
    Rejected,

    /// <summary>Not queued: the subscription was disposed meanwhile.</summary>
    Closed,
}
