using System.Globalization;
using Orchestrator.Agents.Llm;

namespace Orchestrator.Agents.Tests.Llm;

/// <summary>Issue 18: the wait before a retry — the server's Retry-After (seconds, date, ms) first, else exponential backoff with full jitter, capped.</summary>
public sealed class LlmRetryPolicyTests
{
    private static readonly LlmRetryPolicy s_policy = new(5, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(6));
    private static readonly DateTimeOffset s_now = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1, 1.0 - 1e-9, 1000)]
    [InlineData(2, 0.5, 1000)]
    [InlineData(3, 0.5, 2000)]
    [InlineData(4, 0.5, 3000)] // 8 s capped at 6 s, halved by the jitter
    [InlineData(9, 0.0, 0)]
    public void Backoff_DoublesPerRetry_CappedAtMaxDelay_ScaledByJitter(int retry, double jitter, double expectedMs) =>
        Assert.Equal(expectedMs, s_policy.DelayBefore(retry, null, s_now, jitter).TotalMilliseconds, precision: 0);

    [Theory]
    [InlineData("7", 7_000)]
    [InlineData("0", 0)]
    public void RetryAfterSeconds_IsTheWait_WhateverTheBackoff(string header, double expectedMs)
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Retry-After", header);

        Assert.Equal(expectedMs, s_policy.DelayBefore(3, response.Headers, s_now, 0.9).TotalMilliseconds);
    }

    [Theory]
    [InlineData(30, 30_000)]
    [InlineData(-30, 0)] // a date already past: retry now
    public void RetryAfterDate_IsTheTimeUntilIt(int secondsFromNow, double expectedMs)
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable);
        response.Headers.TryAddWithoutValidation("Retry-After", s_now.AddSeconds(secondsFromNow).ToString("R", CultureInfo.InvariantCulture));

        Assert.Equal(expectedMs, s_policy.DelayBefore(1, response.Headers, s_now, 0.9).TotalMilliseconds);
    }

    [Fact]
    public void RetryAfterMs_WinsOverRetryAfter()
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Retry-After", "9");
        response.Headers.TryAddWithoutValidation("retry-after-ms", "250");

        Assert.Equal(250, s_policy.DelayBefore(1, response.Headers, s_now, 0.9).TotalMilliseconds);
    }

    [Fact]
    public void Validate_NamesEveryProblem()
    {
        IReadOnlyList<string> errors = new LlmRetryPolicy(0, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)).Validate();

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("MaxAttempts", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("BaseDelay", StringComparison.Ordinal));
    }
}
