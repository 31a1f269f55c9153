using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
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
/// <para>Rows are held in memory until their day is written (about 50 bytes a bar, 60 a tick): for
/// input in time order only the days in flight, since a day written early gives its buffers back;
/// for input out of order, up to all of it.</para>
/// </remarks>
public static class CatalogImporter
{
    /// <summary>
    /// Imports <paramref name="files"/> into <paramref name="root"/>, reading each once: its symbols
    /// are learnt while reading (<see cref="DiscoveredSymbols"/>), not by a scan before.
    /// </summary>
    /// <remarks>
    /// Two threads: while the caller's thread parses, a writer encodes each partition the reader
    /// has moved past (in time order, without repeats: nothing to sort or drop) into a temporary
    /// file; when the input is read, both threads finish the rest, and the partitions are then
    /// renamed into place one by one in (kind, symbol, day) order, as before. A partition that
    /// needs sorting or deduplication, gets rows after it was handed over, or failed to write is
    /// done on the caller's thread at its turn, exactly as a single-threaded import does it, so the
    /// files, counts and messages are the same. Should reading fail, the temporary files (and the
    /// folders made for them) are removed: nothing in the catalog changes.
    /// </remarks>
    public static CatalogImportResult Import(IReadOnlyList<string> files, string root, CatalogCompression compression = CatalogCompression.Lz4, Logger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        var clock = Stopwatch.StartNew();
        var result = new CatalogImportResult();
        var partitions = new Dictionary<(CatalogKind Kind, string Symbol, DateOnly Day), ImportPartition>();
        using var writer = new EarlyPartitionWriter(root, compression);
        bool done = false;
        try
        {
            foreach (string file in files)
            {
                if (MarketDataFileReader.PathProblem(file) is { } problem)
                {
                    result.Errors.Add(problem);
                    continue;
                }

                try
                {
                    ReadFile(file, partitions, result, logger, writer);
                }
                catch (InvalidDataException ex)
                {
                    result.Errors.Add(ex.Message);
                }
            }

            result.ReadSeconds = clock.Elapsed.TotalSeconds;
            writer.Finish(partitions.Values);
            foreach (ImportPartition partition in partitions.Values.OrderBy(p => p.Kind).ThenBy(p => p.Symbol, StringComparer.Ordinal).ThenBy(p => p.Day))
            {
                Store(partition, root, compression, result);
            }

            done = true;
        }
        finally
        {
            if (!done)
            {
                writer.Abandon(partitions.Values); // no temporary file outlives a failed import
            }
        }

        result.ElapsedSeconds = clock.Elapsed.TotalSeconds;
        return result;
    }

    /// <summary>One partition's turn: its early file renamed into place, or sorted, deduplicated and written here as the single-threaded import did.</summary>
    private static void Store(ImportPartition partition, string root, CatalogCompression compression, CatalogImportResult result)
    {
        (CatalogKind kind, string symbol, DateOnly day) = (partition.Kind, partition.Symbol, partition.Day);
        if (CatalogLayout.SymbolProblem(symbol) is { } symbolProblem)
        {
            result.Errors.Add($"{Where(partition)}: {symbolProblem}");
            return;
        }

        string path = CatalogLayout.PartitionPath(root, kind, symbol, day);
        PartitionRows? rows = partition.Rows;
        if (partition.Temp is { } temp)
        {
            partition.Temp = null;
            if (partition.Tail is null)
            {
                // Written early from rows in time order without repeats: nothing to sort or drop.
                CatalogFileWriter.Commit(temp, path);
                result.PartitionsWritten++;
                result.RowsWritten += partition.WrittenRows;
                return;
            }

            // Rows came after it was written: redone below from all of them, the early ones read back
            // from the early file (their buffers went back to the reader).
            if (rows is null)
            {
                rows = new PartitionRows(kind);
                CatalogFile.Read(temp, rows);
            }

            File.Delete(temp);
        }

        rows ??= partition.Rows!;
        if (partition.Tail is { } tail)
        {
            for (int i = 0; i < tail.Count; i++)
            {
                tail.ToTick(i, 0, out MarketTick tick);
                rows.Add(in tick);
            }

            partition.Tail = null;
        }

        result.OutOfOrder += rows.SortByTime();
        if (kind == CatalogKind.Bars)
        {
            if (Deduplicate(rows, out long duplicates) is { } conflict)
            {
                result.Errors.Add($"{Where(partition)}: not imported, two different bars at {conflict} (the day's old file, if any, is kept)");
                return;
            }

            result.Duplicates += duplicates;
        }

        CatalogFile.Write(path, rows, symbol, day, compression);
        result.PartitionsWritten++;
        result.RowsWritten += rows.Count;
    }

    private static string Where(ImportPartition partition) => $"{CatalogLayout.Folder(partition.Kind)} {partition.Symbol} {partition.Day:yyyy-MM-dd}";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per row: fully optimized at once, not after tiering (a one-shot CLI import is over before tier 1)
    private static void ReadFile(string file, Dictionary<(CatalogKind, string, DateOnly), ImportPartition> partitions, CatalogImportResult result, Logger? logger, EarlyPartitionWriter writer)
    {
        var symbols = new DiscoveredSymbols();
        using var reader = new MarketDataFileReader(file, symbols, logger);
        // The last partition per symbol and kind: sorted input finds it without a dictionary lookup.
        var last = new ImportPartition?[16];
        var lastRows = new PartitionRows?[16];
        var lastDay = new long[16];
        const long nsPerDay = 86_400_000_000_000;
        while (reader.TryGetNext(out MarketTick tick))
        {
            CatalogKind kind = tick.Kind == EventKind.Bar ? CatalogKind.Bars : CatalogKind.Ticks;
            int slot = (tick.SymbolId * 2) + (int)kind;
            if (slot >= last.Length)
            {
                Array.Resize(ref last, Math.Max(last.Length * 2, slot + 1)); // a symbol met for the first time
                Array.Resize(ref lastRows, last.Length);
                Array.Resize(ref lastDay, last.Length);
            }

            PartitionRows? rows = lastRows[slot];
            if (rows is null || tick.TsEventNs < lastDay[slot] || tick.TsEventNs >= lastDay[slot] + nsPerDay)
            {
                if (last[slot] is { } left)
                {
                    writer.Offer(left); // the reader moved past its day: most likely complete
                }

                DateOnly day = CatalogLayout.DayOf(tick.TsEventNs);
                var key = (kind, symbols.Names[tick.SymbolId], day);
                if (!partitions.TryGetValue(key, out ImportPartition? partition))
                {
                    partition = new ImportPartition(kind, key.Item2, day, writer.Rows(kind));
                    partitions.Add(key, partition);
                }

                last[slot] = partition;
                rows = lastRows[slot] = partition.Offered ? partition.Tail ??= new PartitionRows(kind) : partition.Rows!; // not written before it is offered
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
