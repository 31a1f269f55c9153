using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Orchestrator.Agents.Strategy;

/// <summary>
/// Builds an <see cref="IChatClient"/> over any OpenAI-compatible chat-completions endpoint with
/// the OpenAI SDK (custom base URL), so OpenAI itself, Gemini's OpenAI-compatible endpoint and local
/// llama.cpp, Ollama or vLLM servers work alike. <see cref="LlmChatClients.Create(LlmStrategyOptions, Llm.LlmCallMetrics?)"/>
/// puts the retries and the metering around it.
/// </summary>
public static class OpenAiCompatibleChatClient
{
    /// <summary>Sent as the key when none is configured (local servers ignore it; the SDKs need one).</summary>
    public const string NoKeyPlaceholder = "no-key";

    /// <summary>The same as <see cref="LlmChatClients.Create(LlmStrategyOptions, Llm.LlmCallMetrics?)"/> without metrics (for callers from before issue 18).</summary>
    public static IChatClient Create(LlmStrategyOptions options) => LlmChatClients.Create(options);

    /// <summary>
    /// A client for <paramref name="options"/> sending through <paramref name="http"/>. The SDK's own
    /// retries are off (<see cref="Llm.LlmRetryHandler"/> in <paramref name="http"/> retries), and its
    /// network timeout is set beyond <see cref="LlmStrategyOptions.Timeout"/>, which the caller enforces per call.
    /// </summary>
    public static IChatClient Create(LlmStrategyOptions options, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = options.Endpoint,
            NetworkTimeout = options.Timeout + LlmChatClients.SdkTimeoutMargin,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            Transport = new HttpClientPipelineTransport(http),
        };
        var credential = new ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? NoKeyPlaceholder : options.ApiKey);
        return new OpenAIClient(credential, clientOptions).GetChatClient(options.Model).AsIChatClient();
    }
}
