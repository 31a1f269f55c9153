namespace Orchestrator.Adapters.MarketData.Catalog;

/// <summary>One file of a catalog: one kind, one symbol, one UTC day (<c>CATALOG/bars/AAPL/2025-03-14.arrow</c>).</summary>
/// <param name="Kind">Bars or ticks.</param>
/// <param name="Symbol">Upper-case symbol, the folder's name.</param>
/// <param name="Day">The UTC day every row's timestamp falls in.</param>
/// <param name="Path">The file.</param>
public sealed record CatalogPartition(CatalogKind Kind, string Symbol, DateOnly Day, string Path)
{
    /// <summary>First nanosecond of <see cref="Day"/> (UTC).</summary>
    public long DayStartNs => CatalogLayout.DayStartNs(Day);
}
