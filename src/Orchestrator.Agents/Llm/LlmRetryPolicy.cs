using System.Globalization;
using System.Net.Http.Headers;

namespace Orchestrator.Agents.Llm;

/// <summary>
/// How a model call is retried when the server answers 429, 5xx or an HTML error page (issue 18):
/// at most <see cref="MaxAttempts"/> requests; before each retry the wait the server asked for
/// (<c>retry-after-ms</c>, else <c>Retry-After</c> in seconds or as an HTTP date), else exponential
/// backoff from <see cref="BaseDelay"/> (doubled per retry, at most <see cref="MaxDelay"/>) with full
/// jitter. All of it inside the call's own timeout: a wait that would end past it is not begun — the
/// call fails at once with the last answer — and the caller's token ends a wait in progress.
/// </summary>
/// <param name="MaxAttempts">Requests per call, the first included (1 = no retries).</param>
/// <param name="BaseDelay">The backoff's first wait (before jitter).</param>
/// <param name="MaxDelay">The longest backoff wait (a server's <c>Retry-After</c> is honoured whatever its length, within the timeout).</param>
public sealed record LlmRetryPolicy(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    /// <summary>4 requests, backoff from 0.5 s up to 8 s.</summary>
    public static LlmRetryPolicy Default { get; } = new(4, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(8));

    /// <summary>One request, no retries.</summary>
    public static LlmRetryPolicy None { get; } = new(1, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>Every problem at once, each as "Key: reason"; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxAttempts is < 1 or > 20)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"MaxAttempts: must be in 1..20 (was {MaxAttempts})"));
        }

        if (BaseDelay < TimeSpan.Zero || MaxDelay < BaseDelay)
        {
            errors.Add("BaseDelay, MaxDelay: need 0 <= BaseDelay <= MaxDelay");
        }

        return errors;
    }

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1 = the first retry): what
    /// <paramref name="headers"/> ask for (<c>retry-after-ms</c>, <c>Retry-After</c> as seconds or a date
    /// relative to <paramref name="now"/>; never below zero), else the backoff scaled by
    /// <paramref name="jitter"/> in [0, 1).
    /// </summary>
    public TimeSpan DelayBefore(int retry, HttpResponseHeaders? headers, DateTimeOffset now, double jitter)
    {
        if (ServerAsked(headers, now) is { } asked)
        {
            return asked;
        }

        double ceiling = Math.Min(MaxDelay.Ticks, BaseDelay.Ticks * Math.Pow(2, Math.Max(0, retry - 1)));
        return TimeSpan.FromTicks((long)(ceiling * Math.Clamp(jitter, 0, 1)));
    }

    /// <summary>The wait the server asked for in <paramref name="headers"/>, or null when it asked none.</summary>
    public static TimeSpan? ServerAsked(HttpResponseHeaders? headers, DateTimeOffset now)
    {
        if (headers is null)
        {
            return null;
        }

        // retry-after-ms: OpenAI's and Anthropic's finer-grained variant, when present.
        if (headers.TryGetValues("retry-after-ms", out IEnumerable<string>? values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && double.IsFinite(ms))
        {
            return TimeSpan.FromMilliseconds(Math.Clamp(ms, 0, TimeSpan.FromDays(1).TotalMilliseconds));
        }

        if (headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
            {
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }

            if (retryAfter.Date is { } date)
            {
                TimeSpan wait = date - now;
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
            }
        }

        return null;
    }
}
