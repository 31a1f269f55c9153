namespace Orchestrator.Adapters.MarketData.Catalog;

/// <summary>What a catalog partition holds; the first folder of its path (<c>bars/</c>, <c>ticks/</c>).</summary>
public enum CatalogKind
{
    /// <summary>OHLCV bars: timestamp, open, high, low, close, volume.</summary>
    Bars,

    /// <summary>Trade ticks: timestamp, price, size and the optional bid, ask, bid_size, ask_size.</summary>
    Ticks,
}
