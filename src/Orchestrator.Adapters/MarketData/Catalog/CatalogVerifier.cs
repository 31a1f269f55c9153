using System.Globalization;

namespace Orchestrator.Adapters.MarketData.Catalog;

/// <summary>
/// Checks every partition of a catalog: readable as this kind's Arrow columns, its metadata agreeing
/// with its path and row count, at least one row, every timestamp inside its day, sorted, no two
/// bars at one time, bars' open and close inside low..high, prices positive; and no stray files.
/// </summary>
public static class CatalogVerifier
{
    /// <summary>Every problem found, each naming its file; empty = the catalog is sound.</summary>
    public static IReadOnlyList<string> Verify(MarketDataCatalog catalog, out int partitionsChecked, out long rowsChecked)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var problems = new List<string>();
        partitionsChecked = 0;
        rowsChecked = 0;
        foreach (string stray in catalog.StrayFiles)
        {
            problems.Add(Path.GetFileName(stray).StartsWith(CatalogLayout.TempPrefix, StringComparison.Ordinal)
                ? $"{stray}: left over by an interrupted import (delete it)"
                : $"{stray}: not a partition (expected yyyy-MM-dd{CatalogLayout.Extension})");
        }

        var rowsOfKind = new Dictionary<CatalogKind, PartitionRows>();
        foreach (CatalogPartition partition in catalog.Partitions)
        {
            if (!rowsOfKind.TryGetValue(partition.Kind, out PartitionRows? rows))
            {
                rows = new PartitionRows(partition.Kind);
                rowsOfKind.Add(partition.Kind, rows);
            }

            partitionsChecked++;
            try
            {
                CatalogFile.Read(partition.Path, rows, out IReadOnlyDictionary<string, string> metadata);
                rowsChecked += rows.Count;
                if (Check(partition, rows, metadata) is { } problem)
                {
                    problems.Add($"{partition.Path}: {problem}");
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                problems.Add(ex is InvalidDataException ? ex.Message : $"{partition.Path}: {ex.Message}");
            }
        }

        return problems;
    }

    private static string? Check(CatalogPartition partition, PartitionRows rows, IReadOnlyDictionary<string, string> metadata)
    {
        string day = partition.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string? mismatch = Mismatch(metadata, CatalogFile.KindKey, CatalogLayout.Folder(partition.Kind)) ?? Mismatch(metadata, CatalogFile.SymbolKey, partition.Symbol)
            ?? Mismatch(metadata, CatalogFile.DayKey, day) ?? Mismatch(metadata, CatalogFile.RowsKey, rows.Count.ToString(CultureInfo.InvariantCulture));
        if (mismatch is not null)
        {
            return mismatch;
        }

        if (rows.Count == 0)
        {
            return "no rows";
        }

        ReadOnlySpan<long> ts = rows.Timestamps;
        long start = partition.DayStartNs;
        for (int i = 0; i < ts.Length; i++)
        {
            if (ts[i] < start || ts[i] >= start + 86_400_000_000_000)
            {
                return $"row {i + 1}: timestamp {ts[i]} is not on {day} (UTC)";
            }

            if (i > 0 && ts[i] < ts[i - 1])
            {
                return $"row {i + 1}: timestamp {ts[i]} is earlier than the row before (not sorted)";
            }

            if (i > 0 && ts[i] == ts[i - 1] && partition.Kind == CatalogKind.Bars)
            {
                return $"row {i + 1}: a second bar at timestamp {ts[i]}";
            }
        }

        return partition.Kind == CatalogKind.Bars ? CheckBars(rows) : CheckTicks(rows);
    }

    private static string? CheckBars(PartitionRows rows)
    {
        ReadOnlySpan<long> open = rows.Column(1), high = rows.Column(2), low = rows.Column(3), close = rows.Column(4), volume = rows.Column(5);
        for (int i = 0; i < rows.Count; i++)
        {
            if (low[i] <= 0 || high[i] < low[i] || open[i] < low[i] || open[i] > high[i] || close[i] < low[i] || close[i] > high[i] || volume[i] < 0)
            {
                return $"row {i + 1}: bar open {open[i]}, high {high[i]}, low {low[i]}, close {close[i]}, volume {volume[i]} (raw) is not a bar";
            }
        }

        return null;
    }

    private static string? CheckTicks(PartitionRows rows)
    {
        ReadOnlySpan<long> price = rows.Column(1), size = rows.Column(2);
        for (int i = 0; i < rows.Count; i++)
        {
            if (price[i] <= 0 || size[i] < 0)
            {
                return $"row {i + 1}: price {price[i]}, size {size[i]} (raw) is not a trade";
            }
        }

        return null;
    }

    private static string? Mismatch(IReadOnlyDictionary<string, string> metadata, string key, string expected) =>
        !metadata.TryGetValue(key, out string? value) ? $"metadata {key} is missing"
        : value != expected ? $"metadata {key} is '{value}', expected '{expected}'"
        : null;
}
