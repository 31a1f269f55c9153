using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using NLog;
using Orchestrator.Agents.Strategy;

namespace Orchestrator.Agents.Llm;

/// <summary>
/// The HTTP stage under every provider's SDK (issue 18): retries a request the server answered with
/// 429, 408 or 5xx — an HTML error page from a proxy included — as <see cref="LlmRetryPolicy"/> says,
/// within the call's timeout, and turns a final refusal into an <see cref="LlmHttpException"/> with a
/// one-line, key-free message. A 200 whose body is an HTML page (an endpoint that is not the API) is
/// refused at once. The SDKs' own retries are off, so this is the only place a call is repeated.
/// </summary>
/// <remarks>
/// The body is buffered before the first send so every attempt sends the same bytes. The wait before a
/// retry runs on <see cref="TimeProvider"/> and ends with the caller's token; a wait that would end
/// after the call's timeout (measured from the first attempt) is not begun: the call fails at once
/// with the last answer, which is clearer than a timeout.
/// </remarks>
public sealed partial class LlmRetryHandler : DelegatingHandler
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Agents.Llm");

    private readonly LlmRetryPolicy _policy;
    private readonly TimeSpan _callTimeout;
    private readonly Func<string?, string> _scrub;
    private readonly string _agent;
    private readonly TimeProvider _time;
    private readonly Func<double> _jitter;

    /// <param name="policy">Attempts and backoff.</param>
    /// <param name="callTimeout">The call's own limit (retries and waits included).</param>
    /// <param name="scrub">Removes the key from a text (<see cref="LlmStrategyOptions.Scrub"/>).</param>
    /// <param name="agent">The agent's name, for the log.</param>
    /// <param name="time">Clock for the waits and for <c>Retry-After</c> dates; the system's when null.</param>
    /// <param name="jitter">A number in [0, 1) per backoff wait; <see cref="Random.Shared"/> when null.</param>
    public LlmRetryHandler(LlmRetryPolicy policy, TimeSpan callTimeout, Func<string?, string> scrub, string agent, TimeProvider? time = null, Func<double>? jitter = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(scrub);
        _policy = policy;
        _callTimeout = callTimeout;
        _scrub = scrub;
        _agent = agent;
        _time = time ?? TimeProvider.System;
        _jitter = jitter ?? Random.Shared.NextDouble;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Content is not null)
        {
            await request.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        long started = _time.GetTimestamp();
        for (int attempt = 1; ; attempt++)
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                if (!IsHtml(response.Content.Headers.ContentType))
                {
                    return response;
                }

                string page = await DescribeAsync(response, cancellationToken).ConfigureAwait(false);
                response.Dispose();
                throw new LlmHttpException(StrategyFailureKinds.HttpError, status, page + ": is the endpoint the API's base URL?") { Attempts = attempt };
            }

            string kind = status == 429 ? StrategyFailureKinds.RateLimited : StrategyFailureKinds.HttpError;
            string problem = await DescribeAsync(response, cancellationToken).ConfigureAwait(false);
            bool retriable = status is 429 or 408 or >= 500;
            if (!retriable || attempt >= _policy.MaxAttempts)
            {
                response.Dispose();
                throw new LlmHttpException(kind, status, attempt > 1 ? string.Create(CultureInfo.InvariantCulture, $"{problem}, after {attempt} attempts") : problem) { Attempts = attempt };
            }

            TimeSpan wait = _policy.DelayBefore(attempt, response.Headers, _time.GetUtcNow(), _jitter());
            response.Dispose();
            TimeSpan left = _callTimeout - _time.GetElapsedTime(started);
            if (wait >= left)
            {
                throw new LlmHttpException(kind, status, string.Create(CultureInfo.InvariantCulture, $"{problem}; not retried: the wait before a retry ({wait.TotalSeconds:0.###} s) would end past the call's timeout ({_callTimeout.TotalSeconds:0.###} s)")) { Attempts = attempt };
            }

            s_logger.Info("{0}: the model's server answered {1}; retry {2} of {3} in {4:0.###} s", _agent, problem, attempt, _policy.MaxAttempts - 1, wait.TotalSeconds);
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One line about a refused answer: <c>HTTP 429 Too Many Requests (rate_limit_error)</c> for the
    /// APIs' JSON errors (the type or code only: the message may quote the key), <c>HTTP 502 Bad Gateway:
    /// an HTML page ("502 Bad Gateway") instead of the API's JSON</c> for a page.
    /// </summary>
    private async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        int status = (int)response.StatusCode;
        string head = string.Create(CultureInfo.InvariantCulture, $"HTTP {status}");
        if (!string.IsNullOrEmpty(response.ReasonPhrase))
        {
            head += " " + Clip(_scrub(response.ReasonPhrase), 60);
        }

        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return head;
        }

        if (IsHtml(response.Content.Headers.ContentType) || body.TrimStart().StartsWith('<'))
        {
            Match title = TitlePattern().Match(body);
            string named = title.Success ? " (\"" + Clip(_scrub(title.Groups[1].Value.Trim()), 80) + "\")" : string.Empty;
            return head + ": an HTML page" + named + " instead of the API's JSON";
        }

        return ErrorType(body) is { } type ? head + " (" + Clip(_scrub(type), 60) + ")" : head;
    }

    /// <summary>The error's type or code from an OpenAI (<c>{"error":{"type","code"}}</c>) or Anthropic (<c>{"type":"error","error":{"type"}}</c>) error body.</summary>
    private static string? ErrorType(string body)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.Object)
            {
                foreach (string name in new[] { "type", "code" })
                {
                    if (error.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
                    {
                        return text;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // not JSON: nothing to name
        }

        return null;
    }

    private static bool IsHtml(MediaTypeHeaderValue? contentType) =>
        contentType?.MediaType is { } media && (media.Equals("text/html", StringComparison.OrdinalIgnoreCase) || media.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase));

    private static string Clip(string text, int max)
    {
        string line = text.ReplaceLineEndings(" ");
        return line.Length <= max ? line : line[..max] + "…";
    }

    [GeneratedRegex("<title[^>]*>([^<]*)</title>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex TitlePattern();
}
