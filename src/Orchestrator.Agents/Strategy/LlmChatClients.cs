using Microsoft.Extensions.AI;
using Orchestrator.Agents.Llm;

namespace Orchestrator.Agents.Strategy;

/// <summary>
/// Builds the <see cref="IChatClient"/> an LLM agent talks through, for its <see cref="LlmStrategyOptions.Provider"/>
/// (issue 18 contract: every LLM agent gets its client here; retries on 429/5xx and call metrics are
/// layered on in this one place).
/// </summary>
public static class LlmChatClients
{
    /// <summary>
    /// A client for <paramref name="options"/>; the caller disposes it. With <paramref name="metrics"/>,
    /// the agent (<see cref="LlmStrategyOptions.AgentName"/>) is registered there and every call is recorded.
    /// </summary>
    public static IChatClient Create(LlmStrategyOptions options, LlmCallMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        metrics?.Register(options.AgentName, ProviderName(options.Provider), options.Model, options.InputPricePerMillionTokens, options.OutputPricePerMillionTokens);
        return options.Provider switch
        {
            LlmProvider.Anthropic => throw new NotSupportedException("provider anthropic: not built yet (issue 18)"),
            _ => OpenAiCompatibleChatClient.Create(options),
        };
    }

    /// <summary>agent_model.yaml's name of <paramref name="provider"/>.</summary>
    public static string ProviderName(LlmProvider provider) => provider switch
    {
        LlmProvider.Anthropic => "anthropic",
        LlmProvider.OpenAi => "openai",
        _ => "openai_compatible",
    };
}
