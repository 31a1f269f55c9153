using Orchestrator.Agents.Supervision;
using Orchestrator.Engine.Options;

namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// <c>consolidation:</c> of <c>daemon.yaml</c> (issue 18): groups of symbols, each NAME with
/// <c>symbols</c>, <c>mode</c> (pass_through, first_wins, weighted_vote, quorum, veto), <c>window</c>
/// and the mode's own keys (<c>weights</c>, <c>default_weight</c>, <c>threshold</c>, <c>max_pending</c>;
/// <c>quorum</c>, <c>max_pending</c>; <c>veto_sources</c>). Source names are the names agents send
/// (and strategies' names), exactly as in <c>agents.limits</c>. Fixed for the run.
/// </summary>
public static partial class ConfigLoader
{
    private static readonly Dictionary<ConsolidationMode, string[]> s_modeKeys = new()
    {
        [ConsolidationMode.PassThrough] = [],
        [ConsolidationMode.FirstWins] = ["window"],
        [ConsolidationMode.WeightedVote] = ["window", "weights", "default_weight", "threshold", "max_pending"],
        [ConsolidationMode.Quorum] = ["window", "quorum", "max_pending"],
        [ConsolidationMode.Veto] = ["window", "veto_sources"],
    };

    /// <summary>
    /// Reads <c>consolidation</c> into <paramref name="engine"/>'s options; every problem is an error
    /// naming the group's key (an unknown mode, a symbol not traded or in two groups, a window of 0,
    /// a quorum below 2, a weight or threshold not above 0, veto without veto sources, a key of another mode).
    /// </summary>
    private static EngineOptions ReadConsolidation(YamlSection? daemon, EngineOptions engine)
    {
        if (daemon?.Section("consolidation") is not { } consolidation)
        {
            return engine;
        }

        var groups = new List<ConsolidationGroup>();
        var groupOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string name in consolidation.Keys.ToList())
        {
            if (consolidation.Section(name) is not { } g)
            {
                continue;
            }

            ConsolidationMode mode = g.GetEnum("mode", ConsolidationMode.PassThrough, ConsolidationModes.ByName);
            foreach (string key in g.Keys.Where(k => k is not ("symbols" or "mode") && !s_modeKeys[mode].Contains(k) && s_modeKeys.Values.Any(keys => keys.Contains(k))).ToList())
            {
                g.Error(key, $"does not apply to mode {ConsolidationModes.Name(mode)} (its keys: {string.Join(", ", s_modeKeys[mode].DefaultIfEmpty("none"))})"); // Error marks it read: not reported again as unknown
            }

            var symbols = new List<string>();
            IReadOnlyList<string>? listed = g.GetStringList("symbols");
            if (listed is null or { Count: 0 })
            {
                g.Error("symbols", "is required: the symbols whose signals this group consolidates");
            }

            foreach (string symbol in (listed ?? []).Select(s => s.ToUpperInvariant()))
            {
                if (!engine.Symbols.Contains(symbol, StringComparer.Ordinal))
                {
                    g.Error("symbols", $"'{symbol}' is not in the watch list ({string.Join(", ", engine.Symbols)}); only traded symbols can be consolidated");
                }
                else if (!groupOf.TryAdd(symbol, name))
                {
                    g.Error("symbols", $"'{symbol}' is already in group '{groupOf[symbol]}'; a symbol belongs to one group at most");
                }
                else
                {
                    symbols.Add(symbol);
                }
            }

            var group = new ConsolidationGroup { Name = name, Symbols = symbols, Mode = mode };
            if (mode != ConsolidationMode.PassThrough)
            {
                TimeSpan window = g.GetDuration("window", group.Window, TimeSpan.Zero, TimeSpan.FromDays(7));
                if (window <= TimeSpan.Zero)
                {
                    g.Error("window", "must be above 0: how long (event time) a signal counts");
                }

                group = group with { Window = window };
            }

            group = mode switch
            {
                ConsolidationMode.WeightedVote => group with
                {
                    Weights = ReadWeights(g),
                    DefaultWeight = Positive(g, "default_weight", group.DefaultWeight),
                    Threshold = Positive(g, "threshold", group.Threshold, required: true),
                    MaxPending = g.GetInt("max_pending", group.MaxPending, 1, 256),
                },
                ConsolidationMode.Quorum => group with
                {
                    Quorum = ReadQuorum(g),
                    MaxPending = g.GetInt("max_pending", group.MaxPending, 1, 256),
                },
                ConsolidationMode.Veto => group with { VetoSources = ReadVetoSources(g) },
                _ => group,
            };
            groups.Add(group);
            g.ReportUnknownKeys();
        }

        consolidation.ReportUnknownKeys();
        return engine with { Consolidation = groups };
    }

    private static Dictionary<string, decimal> ReadWeights(YamlSection g)
    {
        var weights = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase); // agent names are case-insensitive
        if (g.Section("weights") is not { } w)
        {
            return weights;
        }

        foreach (string source in w.Keys.ToList())
        {
            CheckSourceName(w, source, source);
            decimal weight = Positive(w, source, 1m);
            if (!weights.TryAdd(source, weight))
            {
                w.Error(source, $"names the same agent as '{weights.Keys.First(k => string.Equals(k, source, StringComparison.OrdinalIgnoreCase))}': agent names are case-insensitive; give its weight once");
            }
        }

        w.ReportUnknownKeys();
        return weights;
    }

    private static int ReadQuorum(YamlSection g)
    {
        if (!g.Has("quorum"))
        {
            g.Error("quorum", "is required for mode quorum: how many distinct sources must agree on a side");
            return 2;
        }

        int quorum = g.GetInt("quorum", 2, int.MinValue, 1_000);
        if (quorum < 2)
        {
            g.Error("quorum", $"must be at least 2 (one source alone is pass_through), got {quorum}");
        }

        return quorum;
    }

    private static string[] ReadVetoSources(YamlSection g)
    {
        string[] sources = [.. g.GetStringList("veto_sources") ?? []];
        if (sources.Length == 0)
        {
            g.Error("veto_sources", "is required for mode veto: the sources (agent or strategy names) whose signals are vetoes");
        }

        foreach (string source in sources)
        {
            CheckSourceName(g, "veto_sources", source);
        }

        return [.. sources.Distinct(StringComparer.OrdinalIgnoreCase)]; // agent names are case-insensitive
    }

    /// <summary>A number above 0 (and at most 1,000,000) at <paramref name="key"/>, or an error naming it.</summary>
    private static decimal Positive(YamlSection s, string key, decimal fallback, bool required = false)
    {
        if (required && !s.Has(key))
        {
            s.Error(key, "is required for mode weighted_vote: the summed weight a side needs");
            return fallback;
        }

        decimal value = s.GetDecimal(key, fallback, decimal.MinValue, 1_000_000m);
        if (value <= 0)
        {
            s.Error(key, $"must be above 0, got {value}");
            return fallback;
        }

        return value;
    }

    private static void CheckSourceName(YamlSection s, string key, string name)
    {
        if (!IsUsableSourceName(name))
        {
            s.Error(key, $"'{name}' is not a usable source name: 1 to {Core.SignalLimits.MaxSourceLength} characters, no control characters, no leading or trailing space (it must match the name the agent sends as its source)");
        }
    }

    /// <summary>
    /// A weight or veto source that no configured agent or strategy is named (in any case) is a warning, not an
    /// error: an agent started by hand (agent protocol) may still send the name, but a typo would otherwise
    /// count silently for no one (issue 18 audit).
    /// </summary>
    private static void WarnUnknownSources(string? directory, EngineOptions engine, IReadOnlyList<StrategyDefinition> strategies, IReadOnlyList<AgentProcessOptions> processes, List<string> warnings)
    {
        if (engine.Consolidation.Count == 0)
        {
            return;
        }

        var known = new HashSet<string>(s_reservedSources, StringComparer.OrdinalIgnoreCase) { global::Orchestrator.Agents.Agents.StrategyAgent.AgentName };
        known.UnionWith(strategies.Select(s => s.Name));
        known.UnionWith(processes.Select(p => p.Name));
        foreach (ConsolidationGroup group in engine.Consolidation)
        {
            foreach ((string key, string name) in group.Weights.Keys.Select(n => ("weights." + n, n)).Concat(group.VetoSources.Select(n => ("veto_sources", n))))
            {
                if (!known.Contains(name))
                {
                    warnings.Add($"{DisplayPath(directory, DaemonFile)}: consolidation.{group.Name}.{key}: '{name}' is not the name of any configured agent or strategy ({string.Join(", ", known.Order(StringComparer.Ordinal))}); it counts only if an agent started by hand sends it");
                }
            }
        }
    }
}
