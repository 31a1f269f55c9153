using Orchestrator.Adapters.Alpaca;
using Orchestrator.Adapters.Kis;
using Orchestrator.Adapters.Venues;

namespace Orchestrator.Daemon.Hosting;

/// <summary>
/// A real broker for the session (KIS or Alpaca): how to reach it and how the gateway calls it.
/// Built from broker_config.yaml, myStockInfo.yaml and the credentials; holds secrets only in the
/// credential objects, which never print them.
/// </summary>
public sealed record VenueSettings
{
    /// <summary>kis or alpaca.</summary>
    public required string Adapter { get; init; }

    public VenueGatewayOptions Gateway { get; init; } = new();

    /// <summary>Market data from the venue's stream (true) or the synthetic generator (false).</summary>
    public bool VenueMarketData { get; init; } = true;

    public KisCredentials? Kis { get; init; }

    public Uri? KisRestUrl { get; init; }

    public Uri? KisWebSocketUrl { get; init; }

    /// <summary>HTS id for execution notices; null = fills by polling only.</summary>
    public string? KisHtsId { get; init; }

    /// <summary>US symbol → NASD, NYSE or AMEX for KIS's overseas endpoints (others: NASD).</summary>
    public IReadOnlyDictionary<string, string> KisOverseasExchanges { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    /// <summary>The marketable-limit collar of KIS US market orders (0.005 = 0.5% through the last price).</summary>
    public decimal KisOverseasCollar { get; init; } = 0.005m;

    /// <summary>KIS rates and where its token is kept (broker_config.yaml <c>kis.requests_per_second</c>, <c>kis.token_cache_dir</c>).</summary>
    public KisLimits KisLimits { get; init; } = new();

    public AlpacaCredentials? Alpaca { get; init; }

    public Uri? AlpacaTradingUrl { get; init; }

    public Uri? AlpacaTradingStreamUrl { get; init; }

    public Uri? AlpacaDataUrl { get; init; }
}
