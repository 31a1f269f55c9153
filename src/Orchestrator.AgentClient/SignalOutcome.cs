namespace Orchestrator.AgentClient;

/// <summary>
/// What the engine made of a signal: <see cref="Status"/> <c>ordered</c> (with <see cref="OrderId"/>),
/// <c>risk_rejected</c> (with <see cref="Reason"/>), <c>no_order</c>, or <c>rejected</c> when the
/// gateway refused the signal itself (with <see cref="Error"/>).
/// </summary>
public sealed record SignalOutcome(string Id, string Status, long Seq, string? OrderId, string? Reason, string? Error)
{
    public bool Ordered => Status == "ordered";
}
