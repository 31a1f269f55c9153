namespace Orchestrator.Agents.Messaging;

/// <summary>One published message, as every subscriber of its topic receives it.</summary>
/// <param name="Topic">The topic it was published to.</param>
/// <param name="Payload">
/// What was published: an in-process object, shared by reference with every subscriber (no
/// serialization on the way through). Publish immutable values (records); a mutable payload such as a
/// <see cref="System.Text.Json.Nodes.JsonNode"/> must be treated as read-only by subscribers.
/// </param>
/// <param name="Timestamp">When it was published, from the broker's <see cref="TimeProvider"/>.</param>
/// <param name="Sequence">
/// Broker-wide, unique and increasing in the order <see cref="MessageBroker.Publish"/> was called. The
/// messages of one publisher reach every subscriber in their sequence order; messages of concurrent
/// publishers may interleave.
/// </param>
public sealed record BrokerMessage(string Topic, object Payload, DateTimeOffset Timestamp, long Sequence);
