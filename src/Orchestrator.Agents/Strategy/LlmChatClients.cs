using Microsoft.Extensions.AI;

namespace Orchestrator.Agents.Strategy;

/// <summary>
/// Builds the <see cref="IChatClient"/> an LLM agent talks through, for its <see cref="LlmStrategyOptions.Provider"/>
/// (issue 18 contract: every LLM agent gets its client here; retries on 429/5xx and call metrics are
/// layered on in this one place).
/// </summary>
public static class LlmChatClients
{
    /// <summary>A client for <paramref name="options"/>; the caller disposes it.</summary>
    public static IChatClient Create(LlmStrategyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Provider switch
        {
            LlmProvider.Anthropic => throw new NotSupportedException("provider anthropic: not built yet (issue 18)"),
            _ => OpenAiCompatibleChatClient.Create(options),
        };
    }
}
