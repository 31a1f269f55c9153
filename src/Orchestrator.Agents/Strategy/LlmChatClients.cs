using Anthropic;
using Microsoft.Extensions.AI;
using Orchestrator.Agents.Llm;

namespace Orchestrator.Agents.Strategy;

/// <summary>
/// Builds the <see cref="IChatClient"/> an LLM agent talks through, for its <see cref="LlmStrategyOptions.Provider"/>
/// (issue 18): every LLM agent gets its client here, and the same layers around each provider's SDK.
/// </summary>
/// <remarks>
/// <code>
///   caller ──► MeteredChatClient ──► provider SDK's IChatClient ──► HttpClient ──► LlmRetryHandler ──► network
///             (LlmCallMetrics)       anthropic: Anthropic SDK          (no timeout    (429/5xx/HTML:
///                                    openai, openai_compatible:         of its own)    Retry-After,
///                                    OpenAI SDK via M.E.AI.OpenAI                      backoff + jitter)
/// </code>
/// The SDKs' own retries are off, so <see cref="LlmRetryHandler"/> is the one place a call is repeated,
/// and always within <see cref="LlmStrategyOptions.Timeout"/>; the SDKs' network timeouts are set a
/// little beyond it, so the caller's token (which the agent cancels at the timeout) is what ends a call.
/// </remarks>
public static class LlmChatClients
{
    /// <summary>How far past <see cref="LlmStrategyOptions.Timeout"/> the SDKs' own timeouts are set (the caller's timeout ends the call first).</summary>
    public static readonly TimeSpan SdkTimeoutMargin = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A client for <paramref name="options"/>; the caller disposes it. With <paramref name="metrics"/>,
    /// the agent (<see cref="LlmStrategyOptions.AgentName"/>) is registered there and every call is recorded.
    /// </summary>
    public static IChatClient Create(LlmStrategyOptions options, LlmCallMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        metrics?.Register(options.AgentName, ProviderName(options.Provider), options.Model, options.InputPricePerMillionTokens, options.OutputPricePerMillionTokens);
        var retry = new LlmRetryHandler(options.Retry, options.Timeout, options.Scrub, options.AgentName) { InnerHandler = new SocketsHttpHandler() };
        var http = new HttpClient(retry) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        try
        {
            IChatClient inner = options.Provider == LlmProvider.Anthropic ? CreateAnthropic(options, http) : OpenAiCompatibleChatClient.Create(options, http);
            return new MeteredChatClient(inner, metrics, options.AgentName, http);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>agent_model.yaml's name of <paramref name="provider"/>.</summary>
    public static string ProviderName(LlmProvider provider) => provider switch
    {
        LlmProvider.Anthropic => "anthropic",
        LlmProvider.OpenAi => "openai",
        _ => "openai_compatible",
    };

    /// <summary>
    /// The base URL the Anthropic SDK wants (it appends <c>/v1/messages</c>): <paramref name="endpoint"/>
    /// without a trailing <c>/v1</c>, so <c>https://api.anthropic.com</c> and <c>https://api.anthropic.com/v1</c> both work.
    /// </summary>
    public static string AnthropicBaseUrl(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        string url = endpoint.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/');
        return url.EndsWith("/v1", StringComparison.OrdinalIgnoreCase) ? url[..^3] : url;
    }

    private static IChatClient CreateAnthropic(LlmStrategyOptions options, HttpClient http)
    {
        var client = new AnthropicClient
        {
            HttpClient = http,
            BaseUrl = AnthropicBaseUrl(options.Endpoint),
            ApiKey = string.IsNullOrEmpty(options.ApiKey) ? OpenAiCompatibleChatClient.NoKeyPlaceholder : options.ApiKey,
            MaxRetries = 0,
            Timeout = options.Timeout + SdkTimeoutMargin,
        };

        // The SDK needs a default answer length; ChatOptions.MaxOutputTokens overrides it per call.
        return client.AsIChatClient(options.Model, options.MaxOutputTokens ?? DefaultAnthropicMaxTokens);
    }

    /// <summary>The answer length asked of Anthropic when agent_model.yaml gives no <c>max_tokens</c> (the Messages API requires one).</summary>
    public const int DefaultAnthropicMaxTokens = 1024;
}
