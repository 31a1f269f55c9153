using System.Security.Cryptography;

namespace Orchestrator.Backtest.Optimization;

/// <summary>
/// The market data of a sweep, shared read-only by every candidate: the symbols, a source per
/// candidate (<see cref="Open"/>: a data file's rows read once into memory, or a catalog's day files
/// streamed), the span of the events, and the data's identity for the sweep's fingerprint.
/// </summary>
/// <param name="Symbols">The symbols, sorted (the engine's symbol ids index this list).</param>
/// <param name="Open">A new source per backtest.</param>
/// <param name="FirstNs">Time of the first event (0 when there is none; a catalog: the start of its first day).</param>
/// <param name="LastNs">Time of the last event (0 when there is none; a catalog: the end of its last day).</param>
/// <param name="Name">The data's name for people (a file's name, or a catalog's directory and symbols).</param>
/// <param name="Sha256">SHA-256 of the data (hex): a file's bytes, or a catalog's chosen day files.</param>
/// <param name="Size">What the data holds, for the console (e.g. "1,000 events").</param>
public sealed record OptimizeData(IReadOnlyList<string> Symbols, SweepSource Open, long FirstNs, long LastNs, string Name, string Sha256, string Size)
{
    /// <summary>A CSV or JSONL data file read once (<see cref="BacktestData"/>: the backtest's formats, validation, sorting and duplicate handling).</summary>
    public static OptimizeData From(BacktestData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        string sha;
        using (FileStream stream = File.OpenRead(data.FilePath))
        {
            sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        return new OptimizeData(data.Symbols, data.Open, data.FirstNs, data.LastNs, Path.GetFileName(data.FilePath), sha,
            data.Count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " events");
    }
}
