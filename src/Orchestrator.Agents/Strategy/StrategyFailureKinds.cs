namespace Orchestrator.Agents.Strategy;

/// <summary>How a model call can fail; the names of the strategy agent's failure counters.</summary>
public static class StrategyFailureKinds
{
    /// <summary>The answer was not one JSON object of the form <c>{"signals":[...]}</c>.</summary>
    public const string MalformedJson = "malformed_json";

    /// <summary>One proposed signal broke the schema or the rules (counted per item).</summary>
    public const string InvalidSignal = "invalid_signal";

    /// <summary>The server answered with an HTTP error (after the retries, for 5xx), an HTML page instead of the API, or could not be reached.</summary>
    public const string HttpError = "http_error";

    /// <summary>The server kept answering 429 (too many requests) until the retries or the call's time ran out.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>No answer within the configured timeout.</summary>
    public const string Timeout = "timeout";
}
