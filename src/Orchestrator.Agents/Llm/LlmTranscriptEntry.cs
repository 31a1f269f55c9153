namespace Orchestrator.Agents.Llm;

/// <summary>One message of a recorded prompt: its role and its text (see <see cref="LlmTranscript.MessageText"/>).</summary>
/// <param name="Role">system, user, assistant or tool.</param>
/// <param name="Text">The message's contents as text, secrets scrubbed.</param>
public sealed record LlmTranscriptMessage(string Role, string Text);

/// <summary>A function call the model answered with (the orchestrator agent's tools).</summary>
/// <param name="CallId">The provider's id of the call.</param>
/// <param name="Name">The tool's name.</param>
/// <param name="ArgumentsJson">The arguments as a JSON object.</param>
public sealed record LlmTranscriptToolCall(string CallId, string Name, string ArgumentsJson);

/// <summary>How a recorded call failed.</summary>
/// <param name="Kind">timeout, http_error, rate_limited or malformed_json (the strategy's failure kinds).</param>
/// <param name="Message">First line of the error, secrets scrubbed.</param>
/// <param name="HttpStatus">The HTTP status when the server answered with one.</param>
public sealed record LlmTranscriptFailure(string Kind, string Message, int? HttpStatus);

/// <summary>
/// One line of an LLM transcript: one model call of one agent (issue 18). Written by
/// <see cref="LlmTranscriptRecorder"/>, answered from by <see cref="LlmTranscriptReplayer"/>; the JSON
/// field names are in <see cref="LlmTranscript"/>.
/// </summary>
/// <param name="Line">1-based line of the file it was read from (0 when not read from a file).</param>
/// <param name="EventTimeNs">Event time of the call (<c>ChatOptions.AdditionalProperties["event_time_ns"]</c>), null when the caller gave none.</param>
/// <param name="Agent">The agent that asked.</param>
/// <param name="Provider">anthropic, openai or openai_compatible.</param>
/// <param name="Model">Model id asked.</param>
/// <param name="Messages">The request's messages, secrets scrubbed.</param>
/// <param name="PromptSha256">SHA-256 (hex) of <paramref name="Messages"/>, what a replay compares.</param>
/// <param name="Answer">The answer's text (null when the call failed).</param>
/// <param name="ToolCalls">Function calls in the answer (empty for strategies).</param>
/// <param name="InputTokens">Tokens of the prompt as the provider counted them.</param>
/// <param name="OutputTokens">Tokens of the answer as the provider counted them.</param>
/// <param name="Failure">How the call failed; null when it was answered.</param>
/// <param name="LatencyMs">Wall-clock time the call took (information only; a replay does not wait).</param>
public sealed record LlmTranscriptEntry(
    int Line,
    long? EventTimeNs,
    string Agent,
    string Provider,
    string Model,
    IReadOnlyList<LlmTranscriptMessage> Messages,
    string PromptSha256,
    string? Answer,
    IReadOnlyList<LlmTranscriptToolCall> ToolCalls,
    long? InputTokens,
    long? OutputTokens,
    LlmTranscriptFailure? Failure,
    double LatencyMs);
