namespace Orchestrator.Agents.Agents;

/// <summary>Parameters of <c>strategy_agent.generate_signals</c>.</summary>
/// <param name="Symbols">Symbols to consider (each one of the engine's); null or absent for all of them.</param>
public sealed record GenerateSignalsParams(IReadOnlyList<string>? Symbols = null) : IAgentParams
{
    /// <inheritdoc/>
    public IEnumerable<string> Validate()
    {
        if (Symbols is null)
        {
            yield break;
        }

        if (Symbols.Count == 0)
        {
            yield return "symbols: give at least one symbol, or leave it out for all";
        }

        if (Symbols.Count > 1_000)
        {
            yield return "symbols: at most 1000";
        }

        for (int i = 0; i < Symbols.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Symbols[i]))
            {
                yield return $"symbols[{i}]: must be a non-empty string";
            }
        }
    }
}
