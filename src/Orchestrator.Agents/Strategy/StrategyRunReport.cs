using System.Text.Json.Nodes;

namespace Orchestrator.Agents.Strategy;

/// <summary>What one <c>generate_signals</c> run produced, in the shape it is returned.</summary>
internal sealed class StrategyRunReport
{
    /// <summary>Signals handed to the publisher, with its verdict.</summary>
    public JsonArray Signals { get; } = [];

    /// <summary>Items of the model's answer refused, one line each.</summary>
    public JsonArray Refused { get; } = [];

    /// <summary>Why the model call gave nothing (kind and detail), or null.</summary>
    public JsonObject? Failure { get; set; }
}
