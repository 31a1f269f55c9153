using System.ClientModel;
using System.Globalization;
using NLog;
using Orchestrator.Agents.Llm;

namespace Orchestrator.Agents.Strategy;

/// <summary>
/// What a failed model call was, for every LLM agent (the strategy agent, the LLM strategies, the
/// orchestrator agent): its failure kind (<see cref="StrategyFailureKinds"/>) and a one-line detail that
/// never holds the API key nor a .NET type name.
/// </summary>
public static class LlmCallErrors
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
        ArgumentNullException.ThrowIfNull(llm);
        return Classify(ex, llm.AgentName, llm.Timeout, llm.Scrub);
    }

    /// <summary>
    /// <see cref="Classify(Exception, LlmStrategyOptions)"/> for an agent that has no
    /// <see cref="LlmStrategyOptions"/> at hand: its name (debug log), its call's timeout, and how its
    /// texts lose the API key.
    /// </summary>
    public static (string Kind, string Detail) Classify(Exception ex, string agent, TimeSpan timeout, Func<string, string> scrub)
    {
        ArgumentNullException.ThrowIfNull(ex);
        ArgumentNullException.ThrowIfNull(scrub);
        switch (ex)
        {
            case OperationCanceledException:
                return (StrategyFailureKinds.Timeout, string.Create(CultureInfo.InvariantCulture, $"no answer from the model within {timeout.TotalSeconds:0.###} s"));

            case LlmHttpException refused:
                return (refused.Kind, FirstLine(scrub(refused.Message))); // one line fit to show, by its contract

            case ClientResultException result:
                {
                    // The SDK's first line is "HTTP 401 (type: code)"; later lines carry the server's
                    // message, which some servers use to echo (part of) the key, so they are not shown.
                    string status = "HTTP " + result.Status.ToString(CultureInfo.InvariantCulture);
                    string first = FirstLine(scrub(result.Message));
                    return (StrategyFailureKinds.HttpError, first.StartsWith(status, StringComparison.Ordinal) ? first : status + ": " + first);
                }

            case HttpRequestException request:
                return (StrategyFailureKinds.HttpError, "request failed: " + FirstLine(scrub(request.Message)));

            default:
                // The server answered 200 but not with a usable chat completion (e.g. an empty "choices"
                // list, which the SDK reports as an index error): the answer is malformed. The SDK's
                // text says where it failed, not what was wrong with the answer: debug only.
                s_logger.Debug("{0}: the model's answer could not be read: {1}", agent, FirstLine(scrub(ex.Message)));
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
