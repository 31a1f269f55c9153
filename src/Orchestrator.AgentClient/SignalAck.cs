namespace Orchestrator.AgentClient;

/// <summary>The gateway's immediate answer to a signal: accepted (with the ring sequence) or rejected (with a field-named error).</summary>
public sealed record SignalAck(string Id, bool Accepted, long Seq, string? Error);
