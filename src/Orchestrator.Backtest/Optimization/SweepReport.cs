using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Backtest.Optimization;

/// <summary>
/// A sweep's results (or one shard's), as <c>optimize</c> writes them: <c>results.json</c> (the
/// definition, its fingerprint, the shard and every candidate, ranked) and <c>results.csv</c> (one
/// row per candidate, ranked). Nothing in either depends on the machine, the time or the number of
/// jobs, so a sweep run whole and the merge of its shards give the same bytes.
/// </summary>
/// <param name="Definition">What was swept.</param>
/// <param name="Shard">Which part (<see cref="SweepShard.All"/> for a whole sweep or a merge).</param>
/// <param name="Results">The candidates run, ranked (<see cref="SweepRanking"/>).</param>
public sealed record SweepReport(SweepDefinition Definition, SweepShard Shard, IReadOnlyList<CandidateResult> Results)
{
    public const string JsonFile = "results.json";
    public const string CsvFile = "results.csv";
    public const string HeatMapFile = "heatmap.png";

    private static readonly JsonWriterOptions s_indented = new() { Indented = true };

    /// <summary>The best candidate that ran with a score, or null.</summary>
    public CandidateResult? Best => Results.Count > 0 && Results[0].Score.HasValue ? Results[0] : null;

    /// <summary>Writes results.json, results.csv and (two parameters with more than one value each) heatmap.png into <paramref name="directory"/>.</summary>
    public void WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, JsonFile), ToJson());
        File.WriteAllText(Path.Combine(directory, CsvFile), ToCsv());
        string heatMap = Path.Combine(directory, HeatMapFile);
        if (!HeatMapChart.TrySavePng(this, heatMap))
        {
            File.Delete(heatMap); // a stale one from an earlier sweep would mislead
        }
    }

    /// <summary>The JSON form (UTF-8 text, indented, doubles in their shortest round-trip form).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, s_indented))
        {
            SweepDefinition d = Definition;
            w.WriteStartObject();
            w.WriteString("fingerprint", d.Fingerprint);
            w.WriteString("shard", Shard.ToString());
            w.WriteString("strategy", d.Strategy);
            w.WriteString("objective", d.Objective.Name());
            w.WriteString("search", d.Search);
            w.WriteNumber("samples", d.Samples);
            w.WriteNumber("seed", d.Seed);
            w.WriteString("data", d.DataName);
            w.WriteString("data_sha256", d.DataSha256);
            w.WriteString("config_sha256", d.ConfigSha256);
            w.WriteNumber("from_ns", d.FromNs);
            w.WriteNumber("to_ns", d.ToNs);
            w.WriteStartArray("parameters");
            foreach (ParameterRange p in d.Parameters)
            {
                w.WriteStartObject();
                w.WriteString("name", p.Name);
                w.WriteString("spec", p.Spec);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("results");
            foreach (CandidateResult r in Results)
            {
                WriteResult(w, d, r);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>The CSV form: rank, index, one column per parameter, objective, the figures, error.</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder("rank,index");
        foreach (ParameterRange p in Definition.Parameters)
        {
            csv.Append(',').Append(p.Name);
        }

        csv.Append(",objective,total_return,cagr,sharpe,sortino,max_drawdown,calmar,trades,final_equity,error\n");
        for (int rank = 0; rank < Results.Count; rank++)
        {
            CandidateResult r = Results[rank];
            csv.Append(CultureInfo.InvariantCulture, $"{rank + 1},{r.Index}");
            foreach (decimal v in r.Values)
            {
                csv.Append(',').Append(v.ToString(CultureInfo.InvariantCulture));
            }

            CandidateFigures? f = r.Figures;
            csv.Append(',').Append(Number(r.Score))
                .Append(',').Append(Number(f?.TotalReturn)).Append(',').Append(Number(f?.Cagr))
                .Append(',').Append(Number(f?.Sharpe)).Append(',').Append(Number(f?.Sortino))
                .Append(',').Append(Number(f?.MaxDrawdown)).Append(',').Append(Number(f?.Calmar))
                .Append(',').Append(f is null ? string.Empty : f.Trades.ToString(CultureInfo.InvariantCulture))
                .Append(',').Append(f is null ? string.Empty : f.FinalEquity.ToString(CultureInfo.InvariantCulture))
                .Append(',').Append(r.Error is null ? string.Empty : '"' + r.Error.Replace("\"", "\"\"", StringComparison.Ordinal) + '"')
                .Append('\n');
        }

        return csv.ToString();
    }

    internal static string Number(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty;

    private static void WriteResult(Utf8JsonWriter w, SweepDefinition d, CandidateResult r)
    {
        w.WriteStartObject();
        w.WriteNumber("index", r.Index);
        w.WriteStartObject("params");
        for (int i = 0; i < d.Parameters.Count; i++)
        {
            w.WriteNumber(d.Parameters[i].Name, r.Values[i]);
        }

        w.WriteEndObject();
        Nullable(w, "objective", r.Score);
        if (r.Figures is { } f)
        {
            WriteFigures(w, f);
        }

        if (r.Error is { } error)
        {
            w.WriteString("error", error);
        }

        w.WriteEndObject();
    }

    /// <summary>A candidate's figures as JSON properties of the open object (total_return … final_equity).</summary>
    internal static void WriteFigures(Utf8JsonWriter w, CandidateFigures f)
    {
        Nullable(w, "total_return", f.TotalReturn);
        Nullable(w, "cagr", f.Cagr);
        Nullable(w, "sharpe", f.Sharpe);
        Nullable(w, "sortino", f.Sortino);
        w.WriteNumber("max_drawdown", f.MaxDrawdown);
        Nullable(w, "calmar", f.Calmar);
        w.WriteNumber("trades", f.Trades);
        w.WriteNumber("final_equity", f.FinalEquity);
    }

    internal static void Nullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>Reads a results.json written by <see cref="ToJson"/>; throws <see cref="InvalidDataException"/> naming the file when it is not one.</summary>
    public static SweepReport ReadJson(string path)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = doc.RootElement;
            var parameters = new List<ParameterRange>();
            foreach (JsonElement p in root.GetProperty("parameters").EnumerateArray())
            {
                string text = p.GetProperty("name").GetString() + "=" + p.GetProperty("spec").GetString();
                parameters.Add(ParameterRange.TryParse(text, out string? problem) ?? throw new InvalidDataException($"{path}: parameters: {problem}"));
            }

            if (!OptimizationObjectives.TryParse(root.GetProperty("objective").GetString() ?? string.Empty, out OptimizationObjective objective))
            {
                throw new InvalidDataException($"{path}: objective: not one of {string.Join(", ", OptimizationObjectives.Names)}");
            }

            var definition = new SweepDefinition(root.GetProperty("strategy").GetString()!, parameters, objective, root.GetProperty("search").GetString()!,
                root.GetProperty("samples").GetInt32(), root.GetProperty("seed").GetInt32(), root.GetProperty("data").GetString()!,
                root.GetProperty("data_sha256").GetString()!, root.GetProperty("config_sha256").GetString()!,
                root.GetProperty("from_ns").GetInt64(), root.GetProperty("to_ns").GetInt64());
            if (definition.Fingerprint != root.GetProperty("fingerprint").GetString())
            {
                throw new InvalidDataException($"{path}: fingerprint: does not match the sweep the file describes (edited?)");
            }

            if (!SweepShard.TryParse(root.GetProperty("shard").GetString(), out SweepShard shard))
            {
                throw new InvalidDataException($"{path}: shard: expected i/n or all");
            }

            var results = new List<CandidateResult>();
            foreach (JsonElement r in root.GetProperty("results").EnumerateArray())
            {
                results.Add(ReadResult(r, parameters));
            }

            return new SweepReport(definition, shard, results);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: not a sweep's results.json ({ex.Message})", ex);
        }
    }

    private static CandidateResult ReadResult(JsonElement r, List<ParameterRange> parameters)
    {
        JsonElement values = r.GetProperty("params");
        decimal[] v = [.. parameters.Select(p => values.GetProperty(p.Name).GetDecimal())];
        CandidateFigures? figures = r.TryGetProperty("trades", out JsonElement trades)
            ? new CandidateFigures(Double(r, "total_return"), Double(r, "cagr"), Double(r, "sharpe"), Double(r, "sortino"), r.GetProperty("max_drawdown").GetDouble(),
                Double(r, "calmar"), trades.GetInt32(), r.GetProperty("final_equity").GetDecimal())
            : null;
        string? error = r.TryGetProperty("error", out JsonElement e) ? e.GetString() : null;
        return new CandidateResult(r.GetProperty("index").GetInt32(), v, Double(r, "objective"), error, figures);
    }

    private static double? Double(JsonElement r, string name) =>
        r.GetProperty(name) is { ValueKind: JsonValueKind.Number } n ? n.GetDouble() : null;

    /// <summary>
    /// Merges shards of one sweep into the report of the whole sweep. Refuses (naming the files)
    /// shards of different sweeps, a shard given twice, a missing shard, and shards whose candidates
    /// are not exactly the ones their index selects.
    /// </summary>
    public static SweepReport Merge(IReadOnlyList<(string Path, SweepReport Report)> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0)
        {
            throw new InvalidDataException("no shard to merge");
        }

        (string firstPath, SweepReport first) = shards[0];
        string fingerprint = first.Definition.Fingerprint;
        int count = first.Shard.Count;
        var seen = new Dictionary<int, string>();
        foreach ((string path, SweepReport shard) in shards)
        {
            if (shard.Definition.Fingerprint != fingerprint)
            {
                throw new InvalidDataException($"{path}: a different sweep from {firstPath} (fingerprint {shard.Definition.Fingerprint[..12]}… vs {fingerprint[..12]}…: data, configuration, strategy, parameters, objective or search differ)");
            }

            if (shard.Shard.Count != count)
            {
                throw new InvalidDataException($"{path}: shard {shard.Shard} is not one of {count} like {firstPath}");
            }

            if (!seen.TryAdd(shard.Shard.Index, path))
            {
                throw new InvalidDataException($"{path}: shard {shard.Shard} is given twice (also {seen[shard.Shard.Index]})");
            }
        }

        if (seen.Count != count)
        {
            string missing = string.Join(", ", Enumerable.Range(0, count).Where(i => !seen.ContainsKey(i)).Select(i => $"{i}/{count}"));
            throw new InvalidDataException($"shard(s) {missing} missing: a merge needs all {count}");
        }

        var expected = first.Definition.Candidates();
        var results = new List<CandidateResult>(expected.Count);
        foreach ((string path, SweepReport shard) in shards)
        {
            int wanted = expected.Count(c => shard.Shard.Includes(c.Index));
            if (shard.Results.Count != wanted || shard.Results.Any(r => !shard.Shard.Includes(r.Index) || r.Index >= expected.Count))
            {
                throw new InvalidDataException($"{path}: shard {shard.Shard} should hold {wanted} candidates (index % {count} == {shard.Shard.Index}), holds {shard.Results.Count} or others");
            }

            results.AddRange(shard.Results);
        }

        return new SweepReport(first.Definition, SweepShard.All, SweepRanking.Sort(results, first.Definition.Objective));
    }
}
