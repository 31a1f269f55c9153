namespace Orchestrator.Adapters.Kis;

/// <summary>
/// KIS's published per-app-key limits (its notice of 2025-08-07, as KIS users quote it) and how the
/// REST client keeps under them; see the adapter's README for what is assumed.
/// </summary>
public sealed record KisLimits
{
    /// <summary>REST requests per second a REAL app key may make.</summary>
    public const int RealRequestsPerSecond = 20;

    /// <summary>REST requests per second a VIRTUAL (mock trading) app key may make.</summary>
    public const int VirtualRequestsPerSecond = 2;

    /// <summary>Real-time registrations one WebSocket session may hold: trade ticks, quotes and execution notices together.</summary>
    public const int MaxRealtimeRegistrations = 41;

    /// <summary>REST requests (one permit per HTTP request, every page of a query included) in any 1 s window; null = KIS's limit for the account's mode (20 REAL, 2 VIRTUAL).</summary>
    public int? RequestsPerSecond { get; init; }

    /// <summary>Requests to the token and approval endpoints in any 1 s window (KIS: 1).</summary>
    public int TokenRequestsPerSecond { get; init; } = 1;

    /// <summary>Times one call is sent again after KIS answered EGW00201 (too many requests) before the caller sees it.</summary>
    public int RateLimitedRetries { get; init; } = 5;

    /// <summary>Wait before sending a call again after EGW00201 (doubles each time).</summary>
    public TimeSpan RateLimitedBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Where the access token is kept between runs (file mode 600, directory 700); null = not kept.
    /// KIS issues one token per minute per app key, so a restart needs the last one.
    /// </summary>
    public string? TokenCacheDirectory { get; init; }

    /// <summary>The REST rate for an account's mode.</summary>
    public int RestRate(bool realAccount) => RequestsPerSecond ?? (realAccount ? RealRequestsPerSecond : VirtualRequestsPerSecond);

    /// <summary>$XDG_CACHE_HOME/orchestrator (else ~/.cache/orchestrator): where the daemon keeps KIS tokens.</summary>
    public static string DefaultTokenCacheDirectory()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "orchestrator");
    }

    /// <summary>Collects every problem with these limits.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (RequestsPerSecond is < 1 or > 1_000)
        {
            errors.Add("kis.requests_per_second must be between 1 and 1000");
        }

        if (TokenRequestsPerSecond is < 1 or > 1_000)
        {
            errors.Add("kis token requests per second must be between 1 and 1000");
        }

        if (RateLimitedRetries is < 0 or > 20 || RateLimitedBackoff < TimeSpan.Zero)
        {
            errors.Add("kis rate-limited retries must be 0..20 with a backoff not negative");
        }

        return errors;
    }
}
