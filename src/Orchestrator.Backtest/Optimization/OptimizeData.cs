using System.Security.Cryptography;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Core;

namespace Orchestrator.Backtest.Optimization;

/// <summary>
/// The market data of a sweep, loaded once and shared read-only by every candidate: the symbols, the
/// ticks sorted by time (stable: rows at one time keep the file's order), and the SHA-256 of the
/// file (a sweep's identity).
/// </summary>
/// <param name="Symbols">The symbols, sorted (the engine's symbol ids index this list).</param>
/// <param name="Ticks">Every good tick, sorted by time.</param>
/// <param name="Name">The file's name (without its directory).</param>
/// <param name="Sha256">SHA-256 of the file's bytes (hex).</param>
/// <param name="Rejected">Lines the reader rejected (counted and logged, as in a backtest).</param>
/// <param name="Reordered">True when the file was not in time order and the ticks were sorted.</param>
public sealed record OptimizeData(IReadOnlyList<string> Symbols, MarketTick[] Ticks, string Name, string Sha256, long Rejected, bool Reordered)
{
    /// <summary>Time of the first tick (0 when there is none).</summary>
    public long FirstNs => Ticks.Length > 0 ? Ticks[0].TsEventNs : 0;

    /// <summary>Time of the last tick (0 when there is none).</summary>
    public long LastNs => Ticks.Length > 0 ? Ticks[^1].TsEventNs : 0;

    /// <summary>Reads a CSV or JSONL data file (the backtest's formats and validation).</summary>
    public static OptimizeData Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        DataScan scan = BacktestInputs.Scan(path);
        var symbols = new SymbolTable(scan.Symbols);
        MarketTick[] ticks;
        long rejected;
        using (var reader = new MarketDataFileReader(path, symbols))
        {
            var list = new List<MarketTick>();
            while (reader.TryGetNext(out MarketTick tick))
            {
                list.Add(tick);
            }

            ticks = [.. list];
            rejected = reader.Rejected;
        }

        bool sorted = true;
        for (int i = 1; i < ticks.Length && sorted; i++)
        {
            sorted = ticks[i - 1].TsEventNs <= ticks[i].TsEventNs;
        }

        if (!sorted)
        {
            ticks = [.. ticks.OrderBy(t => t.TsEventNs)]; // stable
        }

        string sha;
        using (FileStream stream = File.OpenRead(path))
        {
            sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        return new OptimizeData(symbols.Names, ticks, Path.GetFileName(path), sha, rejected, !sorted);
    }
}
