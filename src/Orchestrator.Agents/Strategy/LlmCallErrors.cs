using System.ClientModel;
using System.Globalization;
using NLog;
using Orchestrator.Agents.Llm;

namespace Orchestrator.Agents.Strategy;

/// <summary>
/// What a failed model call was, for every LLM agent (the strategy agent, the LLM strategies): its
/// failure kind (<see cref="StrategyFailureKinds"/>) and a one-line detail that never holds the API key
/// nor a .NET type name.
/// </summary>
internal static class LlmCallErrors
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Agents.LlmCalls");

    /// <summary>
    /// The kind and detail of <paramref name="ex"/>, thrown by a call with <paramref name="llm"/>'s
    /// options: a cancellation is the model's <see cref="StrategyFailureKinds.Timeout"/> (a caller that
    /// cancels on its own account handles that before asking); a refusal after the client's retries
    /// (<see cref="LlmHttpException"/>) is its own kind (<see cref="StrategyFailureKinds.RateLimited"/> or
    /// <see cref="StrategyFailureKinds.HttpError"/>); another HTTP status or an unreachable server
    /// is <see cref="StrategyFailureKinds.HttpError"/>; anything else means the server answered but not
    /// with a usable chat completion (<see cref="StrategyFailureKinds.MalformedJson"/>).
    /// </summary>
    public static (string Kind, string Detail) Classify(Exception ex, LlmStrategyOptions llm)
    {
        ArgumentNullException.ThrowIfNull(ex);
        ArgumentNullException.ThrowIfNull(llm);
        switch (ex)
        {
            case OperationCanceledException:
                return (StrategyFailureKinds.Timeout, string.Create(CultureInfo.InvariantCulture, $"no answer from the model within {llm.Timeout.TotalSeconds:0.###} s"));

            case LlmHttpException refused:
                return (refused.Kind, FirstLine(llm.Scrub(refused.Message))); // one line fit to show, by its contract

            case ClientResultException result:
                {
                    // The SDK's first line is "HTTP 401 (type: code)"; later lines carry the server's
                    // message, which some servers use to echo (part of) the key, so they are not shown.
                    string status = "HTTP " + result.Status.ToString(CultureInfo.InvariantCulture);
                    string first = FirstLine(llm.Scrub(result.Message));
                    return (StrategyFailureKinds.HttpError, first.StartsWith(status, StringComparison.Ordinal) ? first : status + ": " + first);
                }

            case HttpRequestException request:
                return (StrategyFailureKinds.HttpError, "request failed: " + FirstLine(llm.Scrub(request.Message)));

            default:
                // The server answered 200 but not with a usable chat completion (e.g. an empty "choices"
                // list, which the SDK reports as an index error): the answer is malformed. The SDK's
                // text says where it failed, not what was wrong with the answer: debug only.
                s_logger.Debug("{0}: the model's answer could not be read: {1}", llm.AgentName, FirstLine(llm.Scrub(ex.Message)));
                return (StrategyFailureKinds.MalformedJson, "the server's answer is not a usable chat completion (no choices, or no message in it)");
        }
    }

    /// <summary>The first line of <paramref name="text"/>, clipped to 300 characters.</summary>
    public static string FirstLine(string text)
    {
        int end = text.IndexOfAny(['\r', '\n']);
        return LlmSignalParser.Clip(end >= 0 ? text[..end] : text, 300);
    }
}
