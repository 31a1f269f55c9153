using System.Diagnostics;
using System.Globalization;
using NLog;
using Orchestrator.Core;

namespace Orchestrator.Adapters.MarketData.Catalog;

/// <summary>
/// Imports CSV/JSONL bars or ticks into a catalog through <see cref="MarketDataFileReader"/>
/// (its formats, validation and reporting of bad lines), one partition per kind, symbol and UTC
/// day. Idempotent and incremental: each partition present in the input replaces the catalog's
/// file for that day (atomically); other days and symbols are untouched.
/// </summary>
/// <remarks>
/// <para>Within a partition rows are sorted by timestamp (stable) and counted in
/// <see cref="CatalogImportResult.OutOfOrder"/>. Bars repeated exactly are dropped and counted in
/// <see cref="CatalogImportResult.Duplicates"/>; two different bars for one symbol and minute
/// refuse that partition (named in <see cref="CatalogImportResult.Errors"/>, the day's old file
/// kept). Ticks at one timestamp are all kept: several trades can share a timestamp.</para>
/// <para>The input's rows are held in memory until written (about 50 bytes a bar, 60 a tick).</para>
/// </remarks>
public static class CatalogImporter
{
    /// <summary>
    /// Imports <paramref name="files"/> into <paramref name="root"/>, reading each once: its symbols
    /// are learnt while reading (<see cref="DiscoveredSymbols"/>), not by a scan before.
    /// </summary>
    public static CatalogImportResult Import(IReadOnlyList<string> files, string root, CatalogCompression compression = CatalogCompression.Lz4, Logger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        var clock = Stopwatch.StartNew();
        var result = new CatalogImportResult();
        var partitions = new Dictionary<(CatalogKind Kind, string Symbol, DateOnly Day), PartitionRows>();
        foreach (string file in files)
        {
            if (MarketDataFileReader.PathProblem(file) is { } problem)
            {
                result.Errors.Add(problem);
                continue;
            }

            try
            {
                ReadFile(file, partitions, result, logger);
            }
            catch (InvalidDataException ex)
            {
                result.Errors.Add(ex.Message);
            }
        }

        result.ReadSeconds = clock.Elapsed.TotalSeconds;
        foreach (((CatalogKind kind, string symbol, DateOnly day), PartitionRows rows) in partitions.OrderBy(p => p.Key.Kind).ThenBy(p => p.Key.Symbol, StringComparer.Ordinal).ThenBy(p => p.Key.Day))
        {
            string where = $"{CatalogLayout.Folder(kind)} {symbol} {day:yyyy-MM-dd}";
            if (CatalogLayout.SymbolProblem(symbol) is { } symbolProblem)
            {
                result.Errors.Add($"{where}: {symbolProblem}");
                continue;
            }

            result.OutOfOrder += rows.SortByTime();
            if (kind == CatalogKind.Bars)
            {
                if (Deduplicate(rows, out long duplicates) is { } conflict)
                {
                    result.Errors.Add($"{where}: not imported, two different bars at {conflict} (the day's old file, if any, is kept)");
                    continue;
                }

                result.Duplicates += duplicates;
            }

            CatalogFile.Write(CatalogLayout.PartitionPath(root, kind, symbol, day), rows, symbol, day, compression);
            result.PartitionsWritten++;
            result.RowsWritten += rows.Count;
        }

        result.ElapsedSeconds = clock.Elapsed.TotalSeconds;
        return result;
    }

    private static void ReadFile(string file, Dictionary<(CatalogKind, string, DateOnly), PartitionRows> partitions, CatalogImportResult result, Logger? logger)
    {
        var symbols = new DiscoveredSymbols();
        using var reader = new MarketDataFileReader(file, symbols, logger);
        // The last partition per symbol and kind: sorted input finds it without a dictionary lookup.
        var last = new PartitionRows?[16];
        var lastDay = new long[16];
        const long nsPerDay = 86_400_000_000_000;
        while (reader.TryGetNext(out MarketTick tick))
        {
            CatalogKind kind = tick.Kind == EventKind.Bar ? CatalogKind.Bars : CatalogKind.Ticks;
            int slot = (tick.SymbolId * 2) + (int)kind;
            if (slot >= last.Length)
            {
                Array.Resize(ref last, Math.Max(last.Length * 2, slot + 1)); // a symbol met for the first time
                Array.Resize(ref lastDay, last.Length);
            }

            PartitionRows? rows = last[slot];
            if (rows is null || tick.TsEventNs < lastDay[slot] || tick.TsEventNs >= lastDay[slot] + nsPerDay)
            {
                DateOnly day = CatalogLayout.DayOf(tick.TsEventNs);
                var key = (kind, symbols.Names[tick.SymbolId], day);
                if (!partitions.TryGetValue(key, out rows))
                {
                    rows = new PartitionRows(kind);
                    partitions.Add(key, rows);
                }

                last[slot] = rows;
                lastDay[slot] = CatalogLayout.DayStartNs(day);
            }

            rows.Add(in tick);
        }

        result.LinesRead += reader.LinesRead;
        result.Rejected += reader.Rejected;
    }

    /// <summary>Drops exact repeats of a bar (counted); returns the first timestamp holding two different bars (ISO), or null.</summary>
    private static string? Deduplicate(PartitionRows rows, out long duplicates)
    {
        duplicates = 0;
        ReadOnlySpan<long> ts = rows.Timestamps;
        bool[]? keep = null;
        for (int i = 1; i < ts.Length; i++)
        {
            if (ts[i] != ts[i - 1])
            {
                continue;
            }

            if (!rows.SameRow(i, i - 1))
            {
                return MarketDataTimestampText(ts[i]);
            }

            keep ??= [.. Enumerable.Repeat(true, ts.Length)];
            keep[i] = false;
            duplicates++;
        }

        if (keep is not null)
        {
            rows.Compact(keep);
        }

        return null;
    }

    private static string MarketDataTimestampText(long ns) =>
        DateTime.UnixEpoch.AddTicks(ns / 100).ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
}
