namespace Orchestrator.Adapters.Venues;

/// <summary>How the <see cref="VenueBrokerGateway"/> talks to a venue (broker_config.yaml).</summary>
public sealed record VenueGatewayOptions
{
    /// <summary>
    /// How often the venue session compares positions with the venue's while trading, at a quiet
    /// moment (no order open or in doubt); a difference that persists pauses trading. Zero: only at
    /// start-up and after reconnects.
    /// </summary>
    public TimeSpan PositionCheckInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Give up on one attempt after this long (the outcome is then unknown, not failed).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries after the first attempt on timeouts, 5xx, 429; never on a business reject.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>First retry delay; doubles each retry, with jitter.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Shortest wait after the venue said it is overloaded (429, KIS EGW00201).</summary>
    public TimeSpan RateLimitedBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Requests per second the gateway allows itself (all calls together), below the venue's limit.</summary>
    public int RequestsPerSecond { get; init; } = 15;

    /// <summary>Orders and cancels in flight at once.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>How often the venue's orders are read while any order is working or in doubt.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// An order in doubt that the venue still does not show after this long is declared never
    /// placed (Rejected, WARNING). Should it appear later, it is logged as unexplained (CRITICAL), and
    /// a fill of it pauses trading (<see cref="VenueIncidentKind.ForeignFill"/>): keep it well above
    /// the longest time a request can spend in transit.
    /// </summary>
    public TimeSpan UnknownGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Circuit breaker: open after this share of failed calls…</summary>
    public double BreakerFailureRatio { get; init; } = 0.5;

    /// <summary>…among at least this many calls in <see cref="BreakerSamplingDuration"/>…</summary>
    public int BreakerMinimumThroughput { get; init; } = 8;

    public TimeSpan BreakerSamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>…and stay open this long before a trial call.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Commands waiting for a worker; a full queue holds the outbound ring (the engine then refuses with GatewayBusy).</summary>
    public int QueueCapacity { get; init; } = 1024;

    /// <summary>Collects every problem with these options.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add("request_timeout must be positive");
        }

        if (MaxRetries is < 1 or > 10)
        {
            errors.Add("retry.max_retries must be between 1 and 10");
        }

        if (Backoff < TimeSpan.Zero || RateLimitedBackoff < TimeSpan.Zero)
        {
            errors.Add("retry backoffs must not be negative");
        }

        if (RequestsPerSecond is < 1 or > 10_000)
        {
            errors.Add("rate_limit.requests_per_second must be between 1 and 10000");
        }

        if (Concurrency is < 1 or > 64)
        {
            errors.Add("concurrency must be between 1 and 64");
        }

        if (PollInterval <= TimeSpan.Zero || UnknownGrace <= TimeSpan.Zero || BreakDuration <= TimeSpan.Zero || BreakerSamplingDuration <= TimeSpan.Zero)
        {
            errors.Add("poll_interval, unknown_grace and the breaker durations must be positive");
        }

        if (BreakerFailureRatio is <= 0 or > 1 || BreakerMinimumThroughput < 2)
        {
            errors.Add("breaker.failure_ratio must be in (0, 1] and breaker.minimum_throughput at least 2");
        }

        if (QueueCapacity < 1)
        {
            errors.Add("queue_capacity must be positive");
        }

        return errors;
    }
}
