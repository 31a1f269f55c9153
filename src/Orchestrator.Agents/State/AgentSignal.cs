using Orchestrator.Core;

namespace Orchestrator.Agents.State;

/// <summary>A trade signal an agent wants the engine to consider (risk still decides).</summary>
/// <param name="Symbol">One of the engine's symbols.</param>
/// <param name="Side">Buy or sell.</param>
/// <param name="Confidence">0..1.</param>
/// <param name="Price">Reference or limit price; 0 for none.</param>
/// <param name="Reason">Why, in words (logged with the signal).</param>
/// <param name="Source">The agent that produced it.</param>
public sealed record AgentSignal(string Symbol, Side Side, decimal Confidence, decimal Price, string Reason, string Source);

/// <summary>The outcome of handing a signal to the engine.</summary>
/// <param name="Accepted">Published into the inbound ring (risk decides later).</param>
/// <param name="Sequence">The ring sequence it was published at (0 when refused).</param>
/// <param name="Error">Why it was refused before reaching the ring (unknown symbol, bad numbers).</param>
public sealed record SignalPublishResult(bool Accepted, long Sequence, string? Error);

/// <summary>The agents' only way to act: publishing signals into the engine's inbound ring.</summary>
public interface ISignalPublisher
{
    SignalPublishResult Publish(AgentSignal signal);
}
