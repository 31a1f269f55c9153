using System.Globalization;

namespace Orchestrator.Agents.Strategy;

/// <summary>
/// Where and how the strategy agent asks a language model: any OpenAI-compatible chat-completions
/// server (OpenAI itself, or a local llama.cpp, Ollama or vLLM server).
/// </summary>
/// <remarks>
/// <see cref="ApiKey"/> is a credential: <see cref="ToString"/> masks it, and the agent never
/// writes it to a log, an exception or a result. It is a plain string here because this project
/// cannot see the daemon's <c>Secret</c> type; the daemon reveals the secret only to build these
/// options.
/// </remarks>
public sealed class LlmStrategyOptions
{
    /// <summary>Base URL of the API, the part before <c>/chat/completions</c> (e.g. <c>http://127.0.0.1:8080/v1</c>).</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>Which wire format and SDK the client speaks (issue 18): <see cref="LlmProvider.OpenAiCompatible"/> by default.</summary>
    public LlmProvider Provider { get; init; } = LlmProvider.OpenAiCompatible;

    /// <summary>The agent's name, for logs, metrics and transcripts (<c>strategy_agent</c> unless set).</summary>
    public string AgentName { get; init; } = "strategy_agent";

    /// <summary>The user's own system prompt (agent_model.yaml <c>prompt_file</c>); null = the built-in one. The engine appends the answer format and the context.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Price of a million input tokens, for the cost estimate in metrics; null = none.</summary>
    public decimal? InputPricePerMillionTokens { get; init; }

    /// <summary>Price of a million output tokens, for the cost estimate in metrics; null = none.</summary>
    public decimal? OutputPricePerMillionTokens { get; init; }

    /// <summary>Model id sent with each request.</summary>
    public required string Model { get; init; }

    /// <summary>Bearer key; null or empty for a local server that needs none.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Sampling temperature; null leaves the server's default.</summary>
    public float? Temperature { get; init; }

    /// <summary>
    /// Per-call limit; a call still unanswered then is abandoned and counted as a timeout. It governs
    /// the call whoever asked: the router, a delegated task and the scheduled run wait this long (plus
    /// a grace), not <c>call_timeout</c> or the interval.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How a call is retried on 429, 5xx and HTML error pages, within <see cref="Timeout"/> (issue 18); <see cref="Llm.LlmRetryPolicy.Default"/> unless set.</summary>
    public Llm.LlmRetryPolicy Retry { get; init; } = Llm.LlmRetryPolicy.Default;

    /// <summary>Ask for <c>response_format: json_object</c> (servers that reject it can turn this off; the prompt asks for JSON either way).</summary>
    public bool UseJsonResponseFormat { get; init; } = true;

    /// <summary>Limit on the answer's length in tokens; null leaves the server's default.</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>Bars per symbol shown to the model.</summary>
    public int BarsInPrompt { get; init; } = 20;

    /// <summary>Most signals one answer may hold; an answer with more is refused whole.</summary>
    public int MaxSignals { get; init; } = 10;

    /// <summary>Every problem at once, each as "Key: reason"; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Endpoint is null || !Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add("Endpoint: must be an absolute http or https URL");
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            errors.Add("Model: required");
        }

        if (Temperature is { } t && (!float.IsFinite(t) || t < 0 || t > 2))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Temperature: must be in 0..2 (was {t})"));
        }

        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(10))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Timeout: must be above 0 and at most 10 minutes (was {Timeout})"));
        }

        if (Retry is null)
        {
            errors.Add("Retry: required");
        }
        else
        {
            errors.AddRange(Retry.Validate().Select(e => "Retry." + e));
        }

        if (MaxOutputTokens is < 1)
        {
            errors.Add("MaxOutputTokens: must be at least 1");
        }

        if (BarsInPrompt is < 1 or > 500)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"BarsInPrompt: must be in 1..500 (was {BarsInPrompt})"));
        }

        if (MaxSignals is < 1 or > 100)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"MaxSignals: must be in 1..100 (was {MaxSignals})"));
        }

        return errors;
    }

    /// <summary>The endpoint as it may be shown: without any user name or password in it.</summary>
    public string DisplayEndpoint =>
        Endpoint is null ? string.Empty : Endpoint.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

    /// <summary><paramref name="text"/> with the API key (if any) replaced by <c>***</c>.</summary>
    public string Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        return string.IsNullOrEmpty(ApiKey) ? text : text.Replace(ApiKey, "***", StringComparison.Ordinal);
    }

    /// <summary>A description with the key masked.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"LlmStrategyOptions {{ Endpoint = {DisplayEndpoint}, Model = {Model}, ApiKey = {(string.IsNullOrEmpty(ApiKey) ? "(none)" : "***")}, Temperature = {Temperature}, Timeout = {Timeout} }}");
}
