namespace Orchestrator.Adapters.MarketData.Catalog;

/// <summary>One line of <c>data list</c>: a symbol's partitions of one kind.</summary>
/// <param name="Kind">Bars or ticks.</param>
/// <param name="Symbol">The symbol.</param>
/// <param name="Days">Partitions (days) held.</param>
/// <param name="Rows">Rows over all of them.</param>
/// <param name="FirstNs">Earliest timestamp.</param>
/// <param name="LastNs">Latest timestamp.</param>
/// <param name="MissingWeekdays">Monday–Friday days between the first and last day with no partition (exchange holidays count too: the catalog keeps no calendar).</param>
public sealed record CatalogSymbolSummary(CatalogKind Kind, string Symbol, int Days, long Rows, long FirstNs, long LastNs, IReadOnlyList<DateOnly> MissingWeekdays)
{
    /// <summary>Reads every partition's timestamps to summarise each kind and symbol of a catalog.</summary>
    public static IReadOnlyList<CatalogSymbolSummary> Summarize(MarketDataCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var summaries = new List<CatalogSymbolSummary>();
        using var decoder = new CatalogFileDecoder();
        foreach (IGrouping<(CatalogKind Kind, string Symbol), CatalogPartition> group in catalog.Partitions.GroupBy(p => (p.Kind, p.Symbol)))
        {
            var rows = new PartitionRows(group.Key.Kind);
            long count = 0, first = long.MaxValue, last = long.MinValue;
            var days = new HashSet<DateOnly>();
            foreach (CatalogPartition partition in group)
            {
                CatalogFile.Read(partition.Path, rows, decoder);
                days.Add(partition.Day);
                count += rows.Count;
                if (rows.Count > 0)
                {
                    first = Math.Min(first, rows.Timestamps[0]);
                    last = Math.Max(last, rows.Timestamps[^1]);
                }
            }

            var missing = new List<DateOnly>();
            for (DateOnly d = days.Min(); d <= days.Max(); d = d.AddDays(1))
            {
                if (d.DayOfWeek is not DayOfWeek.Saturday and not DayOfWeek.Sunday && !days.Contains(d))
                {
                    missing.Add(d);
                }
            }

            summaries.Add(new CatalogSymbolSummary(group.Key.Kind, group.Key.Symbol, days.Count, count, first, last, missing));
        }

        return summaries;
    }
}
