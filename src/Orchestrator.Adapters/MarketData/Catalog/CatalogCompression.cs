namespace Orchestrator.Adapters.MarketData.Catalog;

/// <summary>How a partition's record batch is compressed (the reader decodes any of them).</summary>
public enum CatalogCompression
{
    /// <summary>LZ4 frame: the fastest to read (the default).</summary>
    Lz4,

    /// <summary>Zstandard: about half LZ4's size, somewhat slower to read (good for data kept in the repository).</summary>
    Zstd,

    /// <summary>None: the largest, and the file's buffers can be memory-mapped as they are.</summary>
    None,
}
