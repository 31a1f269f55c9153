namespace Orchestrator.Agents.Strategy;

/// <summary>The strategy agent's configuration.</summary>
public sealed record StrategyAgentOptions
{
    /// <summary>Rules or a language model.</summary>
    public StrategyMode Mode { get; init; } = StrategyMode.Rule;

    /// <summary>The built-in rules (used in <see cref="StrategyMode.Rule"/>).</summary>
    public RuleStrategyOptions Rules { get; init; } = RuleStrategyOptions.Default;

    /// <summary>The model (required in <see cref="StrategyMode.Llm"/>); its <c>ToString</c> masks the key.</summary>
    public LlmStrategyOptions? Llm { get; init; }

    /// <summary>Every problem at once; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        errors.AddRange(Rules is null ? ["Rules: required"] : Rules.Validate());
        if (Mode == StrategyMode.Llm)
        {
            errors.AddRange(Llm is null ? ["Llm: required in LLM mode"] : Llm.Validate());
        }

        return errors;
    }
}
