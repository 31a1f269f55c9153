using Orchestrator.Adapters.MarketData.Catalog;
using Orchestrator.Backtest;
using Orchestrator.Core;

namespace Orchestrator.Daemon;

/// <summary><c>backtest --catalog DIR [--symbols A,B]</c>: the symbols and span from the catalog's listing (no data read), then its merged replay.</summary>
internal static class BacktestCatalog
{
    /// <summary>Why the arguments name no input or two (null = exactly one of --data and --catalog, --symbols only with --catalog).</summary>
    public static string? InputProblem(BacktestArguments a)
    {
        bool data = !string.IsNullOrWhiteSpace(a.Data);
        if (a.Catalog is null)
        {
            return !data ? "--data: name a CSV or JSONL file (or --catalog DIR)" : a.Symbols is not null ? "--symbols: only with --catalog" : null;
        }

        if (data || !Directory.Exists(a.Catalog))
        {
            return data ? "--catalog: give --data or --catalog, not both" : $"--catalog: directory '{a.Catalog}' does not exist";
        }

        IReadOnlyList<string> held = MarketDataCatalog.Open(a.Catalog).Symbols;
        List<string> missing = [.. Asked(a.Symbols).Where(s => !held.Contains(s))];
        return missing.Count == 0 ? null
            : $"--symbols: '{a.Catalog}' holds no {string.Join(", ", missing)} (it holds {(held.Count == 0 ? "nothing" : string.Join(", ", held))})";
    }

    /// <summary>The symbols to replay (the asked ones the catalog holds, or all; ordinal order) and the span of their days.</summary>
    public static DataScan Scan(BacktestArguments a)
    {
        MarketDataCatalog catalog = MarketDataCatalog.Open(a.Catalog!);
        IReadOnlyList<string> held = catalog.Symbols;
        IReadOnlyList<string> symbols = a.Symbols is null ? held
            : [.. Asked(a.Symbols).Where(held.Contains).Order(StringComparer.Ordinal)];
        return catalog.DaySpan([.. symbols]) is { } span
            ? new DataScan(symbols, CatalogLayout.DayStartNs(span.First), CatalogLayout.DayStartNs(span.Last.AddDays(1)) - 1)
            : new DataScan([], 0, 0);
    }

    private static IEnumerable<string> Asked(string? symbols) =>
        (symbols ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToUpperInvariant()).Distinct();

    /// <summary>The catalog's merged replay of the table's symbols over [fromNs, toNs).</summary>
    public static CatalogMarketDataSource Open(string catalog, SymbolTable symbols, long fromNs, long toNs) =>
        new(MarketDataCatalog.Open(catalog), symbols, fromNs, toNs);
}
