using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Backtest.Optimization;

/// <summary>
/// What a sweep is: the data, the configuration, the strategy, the parameters and their values, the
/// objective and the search. Shards of one sweep have equal <see cref="Fingerprint"/>s; a merge
/// refuses shards whose fingerprints differ.
/// </summary>
/// <param name="Strategy">The strategy swept (momentum, rsi_reversion, rules, or a configured one's name).</param>
/// <param name="Parameters">The swept parameters, in the order given.</param>
/// <param name="Objective">What candidates are ranked by.</param>
/// <param name="Search">grid or random.</param>
/// <param name="Samples">Random search: candidates drawn (0 for a grid).</param>
/// <param name="Seed">Random search: the seed (0 for a grid).</param>
/// <param name="DataName">The data's file name (for people; not part of the fingerprint, machines may name it differently).</param>
/// <param name="DataSha256">SHA-256 of the data's bytes (hex).</param>
/// <param name="ConfigSha256">SHA-256 of the configuration's files (hex; see the command).</param>
/// <param name="FromNs">First event time included (ns; <see cref="long.MinValue"/> = from the start).</param>
/// <param name="ToNs">First event time excluded (ns; <see cref="long.MaxValue"/> = to the end).</param>
public sealed record SweepDefinition(string Strategy, IReadOnlyList<ParameterRange> Parameters, OptimizationObjective Objective, string Search, int Samples, int Seed,
    string DataName, string DataSha256, string ConfigSha256, long FromNs, long ToNs)
{
    /// <summary>SHA-256 (hex) of every field but <see cref="DataName"/>, in a fixed text form.</summary>
    public string Fingerprint
    {
        get
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"strategy={Strategy}\nobjective={Objective.Name()}\nsearch={Search}\nsamples={Samples}\nseed={Seed}\n");
            text.Append(CultureInfo.InvariantCulture, $"data={DataSha256}\nconfig={ConfigSha256}\nfrom={FromNs}\nto={ToNs}\n");
            foreach (ParameterRange p in Parameters)
            {
                text.Append(p.Name).Append('=').AppendJoin(',', p.Values.Select(v => v.ToString(CultureInfo.InvariantCulture))).Append('\n');
            }

            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        }
    }

    /// <summary>The candidates this definition sweeps, in index order.</summary>
    public IReadOnlyList<SweepCandidate> Candidates() =>
        Search == "random" ? SweepCandidates.Random(Parameters, Samples, Seed) : SweepCandidates.Grid(Parameters);
}

/// <summary>Which part of a sweep one run takes: candidates whose index % <see cref="Count"/> == <see cref="Index"/>.</summary>
/// <param name="Index">0 … <see cref="Count"/> − 1.</param>
/// <param name="Count">Shards in all (1 = the whole sweep).</param>
public readonly record struct SweepShard(int Index, int Count)
{
    /// <summary>The whole sweep.</summary>
    public static SweepShard All => new(0, 1);

    /// <summary>True when this shard runs candidate <paramref name="candidateIndex"/>.</summary>
    public bool Includes(int candidateIndex) => candidateIndex % Count == Index;

    /// <summary><c>i/n</c>, or <c>all</c> for the whole sweep.</summary>
    public override string ToString() => Count == 1 ? "all" : string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <summary>Parses <c>i/n</c> (0 &lt;= i &lt; n) or <c>all</c>.</summary>
    public static bool TryParse(string? text, out SweepShard shard)
    {
        shard = All;
        if (text is null || text.Trim() == "all")
        {
            return text is not null;
        }

        string[] parts = text.Split('/', StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && i < n)
        {
            shard = new SweepShard(i, n);
            return true;
        }

        return false;
    }
}
