using System.ClientModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Orchestrator.Agents.Strategy;

namespace Orchestrator.Agents.Llm;

/// <summary>
/// The outermost layer of every LLM agent's client (<see cref="LlmChatClients.Create"/>): records each
/// call in <see cref="LlmCallMetrics"/> — its latency as the caller saw it (retries and waits
/// included), the server's token counts, and what a failure was: <see cref="LlmHttpException.Kind"/>
/// (<c>rate_limited</c> or <c>http_error</c>), <c>http_error</c> for a server that could not be
/// reached, <c>timeout</c> when the call was canceled (its timeout or its caller), and an answer the
/// SDK could not read as a call answered then <c>malformed_json</c>. The exception still reaches the
/// caller. It also disposes what the client owns (its HTTP client).
/// </summary>
public sealed class MeteredChatClient : DelegatingChatClient
{
    private readonly LlmCallMetrics? _metrics;
    private readonly string _agent;
    private readonly IDisposable? _owned;

    /// <param name="inner">The provider's client.</param>
    /// <param name="metrics">Where calls are recorded; null records nothing.</param>
    /// <param name="agent">The agent the calls are recorded for.</param>
    /// <param name="owned">Disposed with this client (the HTTP client under the SDK); may be null.</param>
    public MeteredChatClient(IChatClient inner, LlmCallMetrics? metrics, string agent, IDisposable? owned = null)
        : base(inner)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(agent);
        _metrics = metrics;
        _agent = agent;
        _owned = owned;
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        long started = Stopwatch.GetTimestamp();
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            RecordFailure(ex, Stopwatch.GetElapsedTime(started));
            throw;
        }

        _metrics?.RecordSuccess(_agent, Stopwatch.GetElapsedTime(started), response.Usage?.InputTokenCount ?? 0, response.Usage?.OutputTokenCount ?? 0);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long started = Stopwatch.GetTimestamp();
        long input = 0;
        long output = 0;
        IAsyncEnumerator<ChatResponseUpdate> updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    update = updates.Current;
                }
                catch (Exception ex)
                {
                    RecordFailure(ex, Stopwatch.GetElapsedTime(started));
                    throw;
                }

                foreach (AIContent content in update.Contents)
                {
                    if (content is UsageContent usage)
                    {
                        input += usage.Details.InputTokenCount ?? 0;
                        output += usage.Details.OutputTokenCount ?? 0;
                    }
                }

                yield return update;
            }
        }
        finally
        {
            await updates.DisposeAsync().ConfigureAwait(false);
        }

        _metrics?.RecordSuccess(_agent, Stopwatch.GetElapsedTime(started), input, output);
    }

    /// <summary>The failure kind <paramref name="ex"/> stands for (the kinds <see cref="LlmCallMetrics.IsCallFailure"/> names, or <c>malformed_json</c>).</summary>
    public static string KindOf(Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case LlmHttpException http:
                    return http.Kind;
                case OperationCanceledException or TimeoutException:
                    return StrategyFailureKinds.Timeout;
                case HttpRequestException or IOException:
                    return StrategyFailureKinds.HttpError;
                case ClientResultException { Status: 429 }:
                    return StrategyFailureKinds.RateLimited;
                case ClientResultException:
                    return StrategyFailureKinds.HttpError;
            }
        }

        return StrategyFailureKinds.MalformedJson;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _owned?.Dispose();
        }

        base.Dispose(disposing);
    }

    private void RecordFailure(Exception ex, TimeSpan latency)
    {
        if (_metrics is null)
        {
            return;
        }

        string kind = KindOf(ex);
        if (LlmCallMetrics.IsCallFailure(kind))
        {
            _metrics.RecordFailure(_agent, kind, latency);
        }
        else
        {
            // Answered, but not in a form the SDK could read: a call, whose answer was malformed.
            _metrics.RecordSuccess(_agent, latency, 0, 0);
            _metrics.RecordFailure(_agent, kind, latency);
        }
    }
}
