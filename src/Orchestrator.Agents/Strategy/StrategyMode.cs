namespace Orchestrator.Agents.Strategy;

/// <summary>How the strategy agent decides.</summary>
public enum StrategyMode
{
    /// <summary>The built-in rules on bar closes (SMA crossover, RSI thresholds); no network.</summary>
    Rule = 0,

    /// <summary>A language model over an OpenAI-compatible endpoint, answers validated strictly.</summary>
    Llm = 1,
}
