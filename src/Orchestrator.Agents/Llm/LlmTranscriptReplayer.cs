using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Orchestrator.Agents.Strategy;

namespace Orchestrator.Agents.Llm;

/// <summary>
/// An <see cref="IChatClient"/> that answers an agent's model calls from its recorded transcript, in
/// order, without a network (issue 18: deterministic replay of an LLM strategy). The n-th call gets
/// the agent's n-th recorded answer — its text, tool calls and token usage — or the n-th recorded
/// failure again (a timeout as <see cref="OperationCanceledException"/>, an HTTP error or a rate limit as
/// <see cref="LlmHttpException"/> with its kind and status, an unusable answer as <see cref="InvalidDataException"/>).
/// </summary>
/// <remarks>
/// A call whose prompt is not the recorded one (SHA-256 of its messages, <see cref="LlmTranscript.Hash"/>)
/// or whose event time differs, or a call past the transcript's end, is refused: it throws
/// <see cref="LlmTranscriptMismatchException"/> naming the file, the line and the difference, and every
/// later call is refused too. The caller (an LLM strategy) may count that as a failed call, so the
/// refusal is also kept in <see cref="Divergence"/> for whoever runs the replay to stop on it: a replay
/// that diverged is not the recorded run.
/// </remarks>
public sealed class LlmTranscriptReplayer : IChatClient
{
    private readonly LlmTranscriptEntry[] _entries;
    private readonly Func<string, string> _scrub;
    private readonly Lock _gate = new();
    private int _next;
    private LlmTranscriptMismatchException? _divergence;

    /// <summary>Replays <paramref name="agent"/>'s calls from <paramref name="transcript"/> (lines of other agents are skipped).</summary>
    /// <param name="transcript">The recorded calls.</param>
    /// <param name="agent">Whose calls (any case).</param>
    /// <param name="scrub">What the recorder did to each text (<see cref="LlmTranscriptRecorder.Scrubber"/> of the agent's options), so prompts hash alike; null = nothing.</param>
    public LlmTranscriptReplayer(LlmTranscriptFile transcript, string agent, Func<string?, string>? scrub = null)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(agent);
        Path = transcript.Path;
        Agent = agent;
        _scrub = scrub is null ? static s => s : s => scrub(s);
        _entries = [.. transcript.Entries.Where(e => string.Equals(e.Agent, agent, StringComparison.OrdinalIgnoreCase))];
    }

    /// <summary>The transcript file.</summary>
    public string Path { get; }

    /// <summary>The agent whose calls are replayed.</summary>
    public string Agent { get; }

    /// <summary>The agent's recorded calls.</summary>
    public int Recorded => _entries.Length;

    /// <summary>Calls answered so far.</summary>
    public int Answered
    {
        get
        {
            lock (_gate)
            {
                return _next;
            }
        }
    }

    /// <summary>The first refused call (null while the replay follows the transcript).</summary>
    public LlmTranscriptMismatchException? Divergence
    {
        get
        {
            lock (_gate)
            {
                return _divergence;
            }
        }
    }

    /// <summary>Reads <paramref name="path"/> and replays <paramref name="agent"/>'s calls from it.</summary>
    public static LlmTranscriptReplayer Open(string path, string agent, Func<string?, string>? scrub = null) => new(LlmTranscript.Read(path), agent, scrub);

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        LlmTranscriptEntry entry = Take(LlmTranscript.Messages(messages, _scrub), LlmTranscript.EventTimeOf(options));
        if (entry.Failure is { } failure)
        {
            return Task.FromException<ChatResponse>(Rethrow(failure, entry));
        }

        var message = new ChatMessage(ChatRole.Assistant, entry.Answer ?? string.Empty);
        foreach (LlmTranscriptToolCall call in entry.ToolCalls)
        {
            message.Contents.Add(new FunctionCallContent(call.CallId, call.Name, JsonSerializer.Deserialize<Dictionary<string, object?>>(call.ArgumentsJson)));
        }

        return Task.FromResult(new ChatResponse(message)
        {
            ModelId = entry.Model,
            FinishReason = entry.ToolCalls.Count > 0 ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
            Usage = new UsageDetails
            {
                InputTokenCount = entry.InputTokens,
                OutputTokenCount = entry.OutputTokens,
                TotalTokenCount = entry.InputTokens + entry.OutputTokens,
            },
        });
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ChatResponse response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (ChatResponseUpdate update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return new ChatClientMetadata("transcript", new Uri(System.IO.Path.GetFullPath(Path)), _entries.Length > 0 ? _entries[0].Model : null);
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing to release: the transcript was read whole.
    }

    private LlmTranscriptEntry Take(IReadOnlyList<LlmTranscriptMessage> prompt, long? eventTimeNs)
    {
        lock (_gate)
        {
            if (_divergence is not null)
            {
                throw new LlmTranscriptMismatchException(Path, _divergence.Line, $"{Agent}: the replay already diverged from the transcript: {_divergence.Reason}");
            }

            int call = _next + 1;
            if (_next >= _entries.Length)
            {
                throw Diverged(0, string.Create(CultureInfo.InvariantCulture, $"{Agent}: model call {call} runs past the end of the transcript, which holds {_entries.Length} call(s) of this agent"));
            }

            LlmTranscriptEntry entry = _entries[_next];
            if (LlmTranscript.Hash(prompt) != entry.PromptSha256)
            {
                throw Diverged(entry.Line, string.Create(CultureInfo.InvariantCulture, $"{Agent}: model call {call} asks a different prompt than the one recorded: {LlmTranscript.DescribeDifference(entry.Messages, prompt)}"));
            }

            if (eventTimeNs is { } now && entry.EventTimeNs is { } recorded && now != recorded)
            {
                throw Diverged(entry.Line, string.Create(CultureInfo.InvariantCulture, $"{Agent}: model call {call} is at event time {now}, the recorded one at {recorded}"));
            }

            _next++;
            return entry;
        }
    }

    private LlmTranscriptMismatchException Diverged(int line, string reason)
    {
        _divergence = new LlmTranscriptMismatchException(Path, line, reason);
        return _divergence;
    }

    private static Exception Rethrow(LlmTranscriptFailure failure, LlmTranscriptEntry entry)
    {
        string recorded = string.Create(CultureInfo.InvariantCulture, $"(recorded, line {entry.Line}) {failure.Message}");
        return failure.Kind switch
        {
            StrategyFailureKinds.Timeout => new OperationCanceledException("no answer within the timeout " + recorded),
            StrategyFailureKinds.HttpError or StrategyFailureKinds.RateLimited => new LlmHttpException(failure.Kind, failure.HttpStatus ?? 0, recorded),
            _ => new InvalidDataException("the model's answer was not usable " + recorded),
        };
    }
}
