namespace Orchestrator.Engine.Options;

/// <summary>The configuration names of the <see cref="ConsolidationMode"/>s (daemon.yaml, audit lines, docs).</summary>
public static class ConsolidationModes
{
    private static readonly string[] s_names = ["pass_through", "first_wins", "weighted_vote", "quorum", "veto"];

    /// <summary>Every mode by its configuration name.</summary>
    public static IReadOnlyDictionary<string, ConsolidationMode> ByName { get; } = new Dictionary<string, ConsolidationMode>(StringComparer.Ordinal)
    {
        [s_names[0]] = ConsolidationMode.PassThrough,
        [s_names[1]] = ConsolidationMode.FirstWins,
        [s_names[2]] = ConsolidationMode.WeightedVote,
        [s_names[3]] = ConsolidationMode.Quorum,
        [s_names[4]] = ConsolidationMode.Veto,
    };

    /// <summary>The configuration name of <paramref name="mode"/> ("?" for an undefined value); allocates nothing.</summary>
    public static string Name(ConsolidationMode mode) => (uint)mode < (uint)s_names.Length ? s_names[(int)mode] : "?";
}
