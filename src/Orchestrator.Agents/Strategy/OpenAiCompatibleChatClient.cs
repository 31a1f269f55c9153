using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Orchestrator.Agents.Strategy;

/// <summary>
/// Builds an <see cref="IChatClient"/> over any OpenAI-compatible chat-completions endpoint with
/// the OpenAI SDK (custom base URL), so OpenAI itself and local llama.cpp, Ollama or vLLM
/// servers work alike.
/// </summary>
public static class OpenAiCompatibleChatClient
{
    /// <summary>Sent as the bearer key when none is configured (local servers ignore it; the SDK needs one).</summary>
    public const string NoKeyPlaceholder = "no-key";

    /// <summary>
    /// A client for <paramref name="options"/>. The SDK's own retries are off (a failed call is
    /// counted and the next scheduled call is the retry), and its network timeout is set beyond
    /// <see cref="LlmStrategyOptions.Timeout"/>, which the agent enforces per call.
    /// </summary>
    public static IChatClient Create(LlmStrategyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = options.Endpoint,
            NetworkTimeout = options.Timeout + TimeSpan.FromSeconds(5),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        var credential = new ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? NoKeyPlaceholder : options.ApiKey);
        return new OpenAIClient(credential, clientOptions).GetChatClient(options.Model).AsIChatClient();
    }
}
