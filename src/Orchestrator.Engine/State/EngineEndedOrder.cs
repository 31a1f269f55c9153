using Orchestrator.Core;

namespace Orchestrator.Engine.State;

/// <summary>One order the engine ended by itself: which, how (<see cref="OrderStatus.Expired"/> or <see cref="OrderStatus.Canceled"/>), when, and on which event.</summary>
/// <param name="Sequence">The inbound ring's sequence of the event the order ended on.</param>
/// <param name="OrderId">The order's client order id.</param>
/// <param name="Status">Its end: Expired or Canceled.</param>
/// <param name="TsEventNs">The event's time.</param>
public readonly record struct EngineEndedOrder(long Sequence, long OrderId, OrderStatus Status, long TsEventNs);
