using Orchestrator.Core;

namespace Orchestrator.Agents.Llm;

/// <summary>One of an <see cref="LlmStrategy"/>'s own fills, for its prompt.</summary>
internal sealed record LlmFillRecord(long EventTimeNs, string Symbol, Side Side, long Quantity, decimal Price, decimal Commission);
