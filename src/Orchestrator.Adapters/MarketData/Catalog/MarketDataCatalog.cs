using System.Globalization;

namespace Orchestrator.Adapters.MarketData.Catalog;

/// <summary>
/// A catalog directory's partitions, from its directory tree alone (no file is opened): what
/// <c>backtest --catalog</c> takes its symbols and days from, and what <c>data list</c> and
/// <c>data verify</c> walk.
/// </summary>
public sealed class MarketDataCatalog
{
    private readonly List<CatalogPartition> _partitions;

    private MarketDataCatalog(string root, List<CatalogPartition> partitions, List<string> strayFiles)
    {
        Root = root;
        _partitions = partitions;
        StrayFiles = strayFiles;
    }

    public string Root { get; }

    /// <summary>Every partition, by kind, then symbol (ordinal), then day.</summary>
    public IReadOnlyList<CatalogPartition> Partitions => _partitions;

    /// <summary>Files in the tree that are not partitions: left-over temporary files of an interrupted import, misnamed files.</summary>
    public IReadOnlyList<string> StrayFiles { get; }

    /// <summary>Distinct symbols of any kind, ordinal order (the backtest's symbol table).</summary>
    public IReadOnlyList<string> Symbols => [.. _partitions.Select(p => p.Symbol).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Lists <paramref name="root"/>; a missing directory is an empty catalog.</summary>
    public static MarketDataCatalog Open(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        var partitions = new List<CatalogPartition>();
        var stray = new List<string>();
        foreach (CatalogKind kind in Enum.GetValues<CatalogKind>())
        {
            string kindDir = Path.Combine(root, CatalogLayout.Folder(kind));
            if (!Directory.Exists(kindDir))
            {
                continue;
            }

            foreach (string symbolDir in Directory.EnumerateDirectories(kindDir))
            {
                string symbol = Path.GetFileName(symbolDir);
                foreach (string file in Directory.EnumerateFiles(symbolDir))
                {
                    string name = Path.GetFileName(file);
                    if (name.EndsWith(CatalogLayout.Extension, StringComparison.Ordinal)
                        && DateOnly.TryParseExact(name[..^CatalogLayout.Extension.Length], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly day))
                    {
                        partitions.Add(new CatalogPartition(kind, symbol, day, file));
                    }
                    else
                    {
                        stray.Add(file);
                    }
                }
            }
        }

        partitions.Sort((a, b) => a.Kind != b.Kind ? a.Kind.CompareTo(b.Kind)
            : !string.Equals(a.Symbol, b.Symbol, StringComparison.Ordinal) ? string.CompareOrdinal(a.Symbol, b.Symbol)
            : a.Day.CompareTo(b.Day));
        stray.Sort(StringComparer.Ordinal);
        return new MarketDataCatalog(root, partitions, stray);
    }

    /// <summary>The partitions of one symbol and kind whose day overlaps [<paramref name="fromNs"/>, <paramref name="toNs"/>), by day.</summary>
    public IReadOnlyList<CatalogPartition> PartitionsOf(string symbol, CatalogKind kind, long fromNs, long toNs)
    {
        DateOnly? first = fromNs == long.MinValue ? null : CatalogLayout.DayOf(fromNs);
        DateOnly? last = toNs == long.MaxValue ? null : CatalogLayout.DayOf(toNs - 1);
        return [.. _partitions.Where(p => p.Kind == kind && string.Equals(p.Symbol, symbol, StringComparison.Ordinal)
            && (first is null || p.Day >= first) && (last is null || p.Day <= last))];
    }

    /// <summary>The first and last day held for any of <paramref name="symbols"/> (null when none).</summary>
    public (DateOnly First, DateOnly Last)? DaySpan(IReadOnlyCollection<string> symbols)
    {
        var days = _partitions.Where(p => symbols.Contains(p.Symbol)).Select(p => p.Day).ToList();
        return days.Count == 0 ? null : (days.Min(), days.Max());
    }
}
