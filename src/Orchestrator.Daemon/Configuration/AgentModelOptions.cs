using Orchestrator.Agents.Strategy;

namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// The one mapping from an <c>agent_model.yaml</c> entry (<see cref="AgentModel"/>) to the options an LLM
/// agent's client and prompt are built from (<see cref="LlmStrategyOptions"/>): strategy_agent, every
/// role-strategy agent and the orchestrator agent all go through it, so a key means the same everywhere.
/// </summary>
public static class AgentModelOptions
{
    /// <summary>OpenAI's API, the endpoint of provider <c>openai</c> without one.</summary>
    public static Uri OpenAiEndpoint { get; } = new("https://api.openai.com/v1");

    /// <summary>Anthropic's API (the SDK's base URL), the endpoint of provider <c>anthropic</c> without one.</summary>
    public static Uri AnthropicEndpoint { get; } = new("https://api.anthropic.com");

    /// <summary>
    /// The options for agent <paramref name="name"/>. The key is <see cref="AgentModel.ApiKey"/> (resolved at
    /// load from <c>api_key_env</c> or <c>llm.api_key</c>), revealed here only to build the options, whose
    /// <c>ToString</c> masks it.
    /// </summary>
    public static LlmStrategyOptions ToLlmOptions(string name, AgentModel model)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(model);
        LlmProvider provider = ProviderOf(model.Provider);
        return new LlmStrategyOptions
        {
            AgentName = name,
            Provider = provider,
            Endpoint = model.Endpoint is { Length: > 0 } endpoint ? new Uri(endpoint)
                : provider == LlmProvider.Anthropic ? AnthropicEndpoint : OpenAiEndpoint, // openai_compatible without one is a config error already
            Model = model.Model,
            ApiKey = model.ApiKey is { IsEmpty: false } key ? key.Reveal() : null,
            Temperature = (float)model.Temperature,
            Timeout = model.Timeout,
            UseJsonResponseFormat = model.JsonResponseFormat,
            MaxOutputTokens = model.MaxTokens,
            BarsInPrompt = model.BarsInPrompt,
            MaxSignals = model.MaxSignals,
            SystemPrompt = model.Prompt,
            InputPricePerMillionTokens = model.InputPricePerMillionTokens,
            OutputPricePerMillionTokens = model.OutputPricePerMillionTokens,
        };
    }

    /// <summary>agent_model.yaml <c>provider</c> (<see cref="LlmProviders"/>) as the client enum.</summary>
    public static LlmProvider ProviderOf(string provider) => provider switch
    {
        LlmProviders.Anthropic => LlmProvider.Anthropic,
        LlmProviders.OpenAi => LlmProvider.OpenAi,
        LlmProviders.OpenAiCompatible => LlmProvider.OpenAiCompatible,
        _ => LlmProvider.OpenAiCompatible, // an unknown provider is a config error already; the loader maps every entry it read
    };
}
