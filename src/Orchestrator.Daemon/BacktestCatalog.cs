using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Orchestrator.Adapters.MarketData.Catalog;
using Orchestrator.Backtest;
using Orchestrator.Backtest.Optimization;
using Orchestrator.Core;

namespace Orchestrator.Daemon;

/// <summary><c>backtest --catalog DIR [--symbols A,B]</c>: the symbols and span from the catalog's listing (no data read), then its merged replay.</summary>
internal static class BacktestCatalog
{
    /// <summary>Why the arguments name no input or two (null = exactly one of --data and --catalog, --symbols only with --catalog).</summary>
    public static string? InputProblem(BacktestArguments a) => InputProblem(a.Data, a.Catalog, a.Symbols);

    /// <summary>Why <c>--data</c>, <c>--catalog</c> and <c>--symbols</c> name no input or two (null = fine); <c>backtest</c>, <c>optimize</c> and the walk-forward alike.</summary>
    public static string? InputProblem(string? dataPath, string? catalogDir, string? symbols)
    {
        bool data = !string.IsNullOrWhiteSpace(dataPath);
        if (catalogDir is null)
        {
            return !data ? "--data: name a CSV or JSONL file (or --catalog DIR)" : symbols is not null ? "--symbols: only with --catalog" : null;
        }

        if (data || !Directory.Exists(catalogDir))
        {
            return data ? "--catalog: give --data or --catalog, not both" : $"--catalog: directory '{catalogDir}' does not exist";
        }

        IReadOnlyList<string> held = MarketDataCatalog.Open(catalogDir).Symbols;
        List<string> missing = [.. Asked(symbols).Where(s => !held.Contains(s))];
        return missing.Count == 0 ? null
            : $"--symbols: '{catalogDir}' holds no {string.Join(", ", missing)} (it holds {(held.Count == 0 ? "nothing" : string.Join(", ", held))})";
    }

    /// <summary>The symbols to replay (the asked ones the catalog holds, or all; ordinal order) and the span of their days.</summary>
    public static DataScan Scan(BacktestArguments a) => Scan(a.Catalog!, a.Symbols);

    /// <summary>The symbols to replay (the asked ones the catalog holds, or all; ordinal order) and the span of their days.</summary>
    public static DataScan Scan(string catalogDir, string? asked)
    {
        MarketDataCatalog catalog = MarketDataCatalog.Open(catalogDir);
        IReadOnlyList<string> held = catalog.Symbols;
        IReadOnlyList<string> symbols = asked is null ? held
            : [.. Asked(asked).Where(held.Contains).Order(StringComparer.Ordinal)];
        return catalog.DaySpan([.. symbols]) is { } span
            ? new DataScan(symbols, CatalogLayout.DayStartNs(span.First), CatalogLayout.DayStartNs(span.Last.AddDays(1)) - 1)
            : new DataScan([], 0, 0);
    }

    private static IEnumerable<string> Asked(string? symbols) =>
        (symbols ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToUpperInvariant()).Distinct();

    /// <summary>The catalog's merged replay of the table's symbols over [fromNs, toNs).</summary>
    public static CatalogMarketDataSource Open(string catalog, SymbolTable symbols, long fromNs, long toNs) =>
        new(MarketDataCatalog.Open(catalog), symbols, fromNs, toNs);

    /// <summary>
    /// A sweep's data from the catalog: each candidate streams its own merged replay of the symbols over
    /// its range (day files opened as it reaches them, so memory stays bounded); the identity is the
    /// SHA-256 over the symbols' day files in [<paramref name="fromNs"/>, <paramref name="toNs"/>)
    /// (each file's kind, symbol, day, length and bytes, in the listing's order).
    /// </summary>
    public static OptimizeData Sweep(string catalogDir, DataScan scan, long fromNs, long toNs)
    {
        MarketDataCatalog catalog = MarketDataCatalog.Open(catalogDir);
        IReadOnlyList<string> symbols = scan.Symbols;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        int files = 0;
        foreach (CatalogPartition p in Enum.GetValues<CatalogKind>().SelectMany(k => symbols.SelectMany(s => catalog.PartitionsOf(s, k, fromNs, toNs))))
        {
            using FileStream stream = File.OpenRead(p.Path);
            hash.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{p.Kind}/{p.Symbol}/{p.Day:yyyy-MM-dd} {stream.Length}\n")));
            byte[] buffer = new byte[81_920];
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }

            files++;
        }

        string name = $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(catalogDir)))} ({string.Join(",", symbols)})";
        return new OptimizeData(symbols, (from, to) => new CatalogMarketDataSource(catalog, new SymbolTable(symbols), from, to, prefetch: false) /* candidates already fill the cores */, scan.FirstNs, scan.LastNs, name,
            Convert.ToHexStringLower(hash.GetHashAndReset()), files.ToString("N0", CultureInfo.InvariantCulture) + " day file(s)");
    }
}
