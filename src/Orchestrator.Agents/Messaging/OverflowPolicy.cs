namespace Orchestrator.Agents.Messaging;

/// <summary>What a subscriber's full queue does with one more message. The publisher never waits.</summary>
public enum OverflowPolicy
{
    /// <summary>
    /// The oldest queued message is dropped to make room: a slow subscriber keeps the newest (the
    /// default; right for prices, status and health, where only the latest matters).
    /// </summary>
    DropOldest,

    /// <summary>The new message is dropped; what is queued is kept (the subscriber sees the start of a burst).</summary>
    DropNewest,

    /// <summary>
    /// For topics that must not lose: the new message is refused, nothing queued is lost, and the
    /// publisher is told in <see cref="PublishResult.Rejected"/> so it can retry, halt or alert.
    /// </summary>
    Reject,
}
