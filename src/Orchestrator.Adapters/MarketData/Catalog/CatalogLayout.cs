using System.Globalization;

namespace Orchestrator.Adapters.MarketData.Catalog;

/// <summary>
/// Where a catalog keeps its files: <c>CATALOG/{bars|ticks}/SYMBOL/yyyy-MM-dd.arrow</c>, one Arrow
/// IPC file per kind, symbol and UTC day. No manifest: the listing is the directory tree.
/// </summary>
/// <remarks>
/// A partition is a UTC day. The regular sessions the daemon trades (KRX 09:00–15:30 KST =
/// 00:00–06:30 UTC; NYSE/Nasdaq 09:30–16:00 New York = 13:30–21:00 UTC) each fall inside one UTC
/// day, so for them a UTC day is the exchange's trading day; extended hours may span two files.
/// </remarks>
public static class CatalogLayout
{
    /// <summary>The partition files' extension.</summary>
    public const string Extension = ".arrow";

    /// <summary>Prefix of a partition being written (renamed over the partition when complete).</summary>
    public const string TempPrefix = ".tmp-";

    private const long NsPerDay = 86_400_000_000_000;
    private static readonly int EpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    /// <summary>The kind's folder name.</summary>
    public static string Folder(CatalogKind kind) => kind == CatalogKind.Bars ? "bars" : "ticks";

    /// <summary>The partition file of a kind, symbol and day under <paramref name="root"/>.</summary>
    public static string PartitionPath(string root, CatalogKind kind, string symbol, DateOnly day) =>
        Path.Combine(root, Folder(kind), symbol, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + Extension);

    /// <summary>The UTC day of a timestamp (ns since the Unix epoch).</summary>
    public static DateOnly DayOf(long tsNs)
    {
        long days = tsNs / NsPerDay;
        if (tsNs % NsPerDay < 0)
        {
            days--;
        }

        return DateOnly.FromDayNumber(EpochDayNumber + (int)days);
    }

    /// <summary>First nanosecond of a UTC day.</summary>
    public static long DayStartNs(DateOnly day) => (day.DayNumber - EpochDayNumber) * NsPerDay;

    /// <summary>Why a symbol cannot name a folder (empty, a path separator, a leading dot), or null.</summary>
    public static string? SymbolProblem(string symbol)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        if (symbol.Length == 0 || symbol.StartsWith('.') || symbol.IndexOfAny(['/', '\\', ':']) >= 0 || symbol.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            return $"symbol '{symbol}' cannot name a catalog folder (empty, a leading dot, or a path character)";
        }

        return null;
    }
}
