using Orchestrator.Core;

namespace Orchestrator.Agents.Llm;

/// <summary>One of an LLM agent's own fills, for its prompt (<paramref name="Commission"/> null when not known).</summary>
internal sealed record LlmFillRecord(long EventTimeNs, string Symbol, Side Side, decimal Quantity, decimal Price, decimal? Commission);
