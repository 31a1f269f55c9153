namespace Orchestrator.Agents.Llm;

/// <summary>
/// A model call the server refused for good (after the retries): an HTTP error status, or an HTML
/// page where the API's JSON was expected. <see cref="Exception.Message"/> is one line fit to show —
/// the status and what kind of error, never the server's own text (servers echo parts of the key in
/// it) and never the key.
/// </summary>
public sealed class LlmHttpException : Exception
{
    public LlmHttpException()
        : this(Strategy.StrategyFailureKinds.HttpError, 0, "the model's server refused the call")
    {
    }

    public LlmHttpException(string message)
        : this(Strategy.StrategyFailureKinds.HttpError, 0, message)
    {
    }

    public LlmHttpException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = Strategy.StrategyFailureKinds.HttpError;
    }

    /// <param name="kind"><see cref="Strategy.StrategyFailureKinds.RateLimited"/> for 429, else <see cref="Strategy.StrategyFailureKinds.HttpError"/>.</param>
    /// <param name="status">The HTTP status (0 when none).</param>
    /// <param name="message">One line fit to show.</param>
    public LlmHttpException(string kind, int status, string message)
        : base(message)
    {
        Kind = kind;
        Status = status;
    }

    /// <summary>The failure kind to count it as.</summary>
    public string Kind { get; }

    /// <summary>The HTTP status of the last answer (0 when none).</summary>
    public int Status { get; }

    /// <summary>Requests made for the call, retries included.</summary>
    public int Attempts { get; init; } = 1;
}
