namespace Orchestrator.Adapters.MarketData.Catalog;

/// <summary>What an import did: counts for the console, and every refusal named.</summary>
public sealed class CatalogImportResult
{
    /// <summary>Non-blank data lines read from the input files.</summary>
    public long LinesRead { get; internal set; }

    /// <summary>Malformed lines skipped (each logged with file and line by <see cref="MarketDataFileReader"/>, the first ten per file).</summary>
    public long Rejected { get; internal set; }

    /// <summary>Rows written into partitions.</summary>
    public long RowsWritten { get; internal set; }

    /// <summary>Partitions written (each replacing any partition of the same kind, symbol and day).</summary>
    public int PartitionsWritten { get; internal set; }

    /// <summary>Rows that came earlier than the row before them in their partition (sorted before writing).</summary>
    public long OutOfOrder { get; internal set; }

    /// <summary>Bars repeated exactly (same symbol, timestamp and values): the repeats were dropped.</summary>
    public long Duplicates { get; internal set; }

    /// <summary>Problems that kept a file or a partition out of the catalog (file, symbol and day named); empty = all imported.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Wall-clock seconds spent reading and parsing the input files (symbol discovery included).</summary>
    public double ReadSeconds { get; internal set; }

    /// <summary>Wall-clock seconds of the import (read, sort, write).</summary>
    public double ElapsedSeconds { get; internal set; }
}
