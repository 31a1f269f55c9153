using Orchestrator.Core;

namespace Orchestrator.Agents.Strategy;

/// <summary>A signal the rules or the model proposed, before it is published.</summary>
/// <param name="Symbol">One of the engine's symbols.</param>
/// <param name="Side">Buy or sell.</param>
/// <param name="Confidence">0..1.</param>
/// <param name="Reason">Why, in words.</param>
public sealed record ProposedSignal(string Symbol, Side Side, decimal Confidence, string Reason);
