using System.ClientModel;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using NLog;
using Orchestrator.Agents.Strategy;

namespace Orchestrator.Agents.Llm;

/// <summary>
/// Records every model call of one agent into its JSONL transcript (issue 18; format in
/// <see cref="LlmTranscript"/>): the event time the caller put in <see cref="ChatOptions.AdditionalProperties"/>
/// (<see cref="LlmTranscript.EventTimeKey"/>), the request's messages, the answer's text and tool calls, the
/// token usage, or how the call failed — then hands the answer (or the exception) on unchanged.
/// </summary>
/// <remarks>
/// <para>Secrets never reach the file: the API key and the endpoint's user info are replaced by
/// <c>***</c> in every text written.</para>
/// <para>Thread: the caller's — an LLM agent's slow-path worker (or the backtest's thread), never the
/// engine's trading thread. Each line is written whole and flushed to disk before the call returns;
/// calls from several threads are serialised. A line that cannot be written is logged and counted
/// (<see cref="WriteFailures"/>) and the call still returns its answer: losing a transcript line must
/// not cost a trading decision.</para>
/// </remarks>
public sealed class LlmTranscriptRecorder : DelegatingChatClient
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Agents.Llm");

    private readonly LlmTranscriptWriter _writer;
    private readonly LlmStrategyOptions _options;
    private readonly Func<string?, string> _scrub;
    private readonly TimeProvider _time;
    private long _written;
    private long _writeFailures;

    /// <summary>Records <paramref name="inner"/>'s calls for the agent of <paramref name="options"/> into <paramref name="path"/>.</summary>
    /// <param name="inner">The provider's client.</param>
    /// <param name="options">The agent: its name, provider, model, and the secrets to scrub.</param>
    /// <param name="path">The transcript file (its directory is created).</param>
    /// <param name="mode">Append to a transcript of earlier runs (the daemon) or start a new one (a backtest).</param>
    /// <param name="time">Clock for the informative <c>recorded_at</c> and <c>latency_ms</c>.</param>
    public LlmTranscriptRecorder(IChatClient inner, LlmStrategyOptions options, string path, LlmTranscriptMode mode = LlmTranscriptMode.Append, TimeProvider? time = null)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(path);
        _options = options;
        _time = time ?? TimeProvider.System;
        _scrub = Scrubber(options);
        _writer = new LlmTranscriptWriter(path, mode);
    }

    /// <summary>The transcript file.</summary>
    public string Path => _writer.Path;

    /// <summary>Lines written.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Lines that could not be written (logged each).</summary>
    public long WriteFailures => Interlocked.Read(ref _writeFailures);

    /// <summary>The agent_model.yaml name of a provider (anthropic, openai, openai_compatible).</summary>
    public static string ProviderName(LlmProvider provider) => provider switch
    {
        LlmProvider.Anthropic => "anthropic",
        LlmProvider.OpenAi => "openai",
        _ => "openai_compatible",
    };

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        IReadOnlyList<LlmTranscriptMessage> prompt = LlmTranscript.Messages(messages, Scrub);
        long started = _time.GetTimestamp();
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Record(prompt, options, null, Failure(ex), started);
            throw;
        }

        Record(prompt, options, response, null, started);
        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        IReadOnlyList<LlmTranscriptMessage> prompt = LlmTranscript.Messages(messages, Scrub);
        long started = _time.GetTimestamp();
        var updates = new List<ChatResponseUpdate>();
        await using IAsyncEnumerator<ChatResponseUpdate> stream = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            ChatResponseUpdate update;
            try
            {
                if (!await stream.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }

                update = stream.Current;
            }
            catch (Exception ex)
            {
                Record(prompt, options, null, Failure(ex), started);
                throw;
            }

            updates.Add(update);
            yield return update;
        }

        Record(prompt, options, updates.ToChatResponse(), null, started);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _writer.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Record(IReadOnlyList<LlmTranscriptMessage> prompt, ChatOptions? options, ChatResponse? response, LlmTranscriptFailure? failure, long started)
    {
        try
        {
            var calls = new List<LlmTranscriptToolCall>();
            foreach (FunctionCallContent call in response?.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>() ?? [])
            {
                calls.Add(new LlmTranscriptToolCall(call.CallId, call.Name, Scrub(JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>()))));
            }

            var entry = new LlmTranscriptEntry(
                0,
                LlmTranscript.EventTimeOf(options),
                _options.AgentName,
                ProviderName(_options.Provider),
                options?.ModelId ?? _options.Model,
                prompt,
                LlmTranscript.Hash(prompt),
                response is null ? null : Scrub(response.Text),
                calls,
                response?.Usage?.InputTokenCount,
                response?.Usage?.OutputTokenCount,
                failure,
                _time.GetElapsedTime(started).TotalMilliseconds);
            _writer.Append(LlmTranscript.Serialize(entry, _time.GetUtcNow()));
            Interlocked.Increment(ref _written);
        }
#pragma warning disable CA1031 // A transcript that cannot be written is logged and counted; the model's answer still counts.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _writeFailures);
            s_logger.Error("{0}: a model call could not be written to its transcript {1}: {2}", _options.AgentName, _writer.Path, Scrub(ex.Message));
        }
    }

    private LlmTranscriptFailure Failure(Exception ex)
    {
        // The kind as the agents count it (one classification for every LLM caller); the status besides.
        (string kind, _) = LlmCallErrors.Classify(ex, _options);
        int? status = ex is LlmHttpException { Status: > 0 } refused ? refused.Status : StatusOf(ex);
        string message = ex is OperationCanceledException ? "no answer before the call was canceled or timed out" : Scrub(FirstLine(ex.Message));
        return new LlmTranscriptFailure(kind, message, kind == StrategyFailureKinds.MalformedJson ? null : status);
    }

    private static int? StatusOf(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case ClientResultException { Status: > 0 } client:
                    return client.Status;
                case HttpRequestException { StatusCode: { } code }:
                    return (int)code;
                default:
                    // Other SDKs (Anthropic's) carry the status as a StatusCode property of their own exception type.
                    object? value = ex.GetType().GetProperty("StatusCode")?.GetValue(ex);
                    if (value is HttpStatusCode http)
                    {
                        return (int)http;
                    }

                    if (value is int number)
                    {
                        return number;
                    }

                    break;
            }
        }

        return null;
    }

    private static string FirstLine(string text)
    {
        int end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    /// <summary>
    /// What the transcript writes instead of a text: the text with the agent's API key and its
    /// endpoint's user info (whole, password alone, escaped or not) replaced by <c>***</c>. A replay
    /// passes its prompts through the same function, so they hash as the recorded ones did.
    /// </summary>
    public static Func<string?, string> Scrubber(LlmStrategyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string[] secrets = SecretsOf(options);
        return text =>
        {
            if (string.IsNullOrEmpty(text))
            {
                return string.Empty;
            }

            foreach (string secret in secrets)
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }

            return text;
        };
    }

    private string Scrub(string? text) => _scrub(text);

    private static string[] SecretsOf(LlmStrategyOptions options)
    {
        var secrets = new List<string>();
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            secrets.Add(options.ApiKey);
        }

        if (options.Endpoint is { UserInfo.Length: > 0 } endpoint)
        {
            string userInfo = endpoint.UserInfo;
            secrets.Add(userInfo);
            secrets.Add(Uri.UnescapeDataString(userInfo));
            int colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0 && colon < userInfo.Length - 1)
            {
                secrets.Add(userInfo[(colon + 1)..]);
                secrets.Add(Uri.UnescapeDataString(userInfo[(colon + 1)..]));
            }
        }

        // Longest first, so a secret that contains another is replaced whole.
        return [.. secrets.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];
    }
}
