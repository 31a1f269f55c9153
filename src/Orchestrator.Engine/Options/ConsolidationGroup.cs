namespace Orchestrator.Engine.Options;

/// <summary>
/// One consolidation group (daemon.yaml <c>consolidation:</c>): the symbols whose outside signals
/// (agents, the gateway, MCP, in-process strategies) are consolidated before risk, and how. Built-in
/// rules and protective exits are never consolidated. Windows are in event time. Fixed for the
/// engine's life.
/// </summary>
public sealed record ConsolidationGroup
{
    /// <summary>The group's name (its key under <c>consolidation:</c>; for messages).</summary>
    public required string Name { get; init; }

    /// <summary>The symbols of the group (each in the watch list, each in one group at most).</summary>
    public IReadOnlyList<string> Symbols { get; init; } = [];

    public ConsolidationMode Mode { get; init; } = ConsolidationMode.PassThrough;

    /// <summary>
    /// How long (event time) a held signal counts, a winner excludes others (first_wins) or a veto
    /// holds (veto). Must be positive.
    /// </summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>weighted_vote: each source's weight, by source name (positive).</summary>
    public IReadOnlyDictionary<string, decimal> Weights { get; init; } = new Dictionary<string, decimal>();

    /// <summary>weighted_vote: the weight of a source not in <see cref="Weights"/> (positive).</summary>
    public decimal DefaultWeight { get; init; } = 1m;

    /// <summary>weighted_vote: the summed weight a side needs (it must also exceed the other side's).</summary>
    public decimal Threshold { get; init; } = 1m;

    /// <summary>quorum: distinct sources that must agree on a side within the window (at least 2).</summary>
    public int Quorum { get; init; } = 2;

    /// <summary>veto: the sources whose signals are vetoes (by source name; at least one).</summary>
    public IReadOnlyList<string> VetoSources { get; init; } = [];

    /// <summary>weighted_vote, quorum: signals held per symbol at most; a new one beyond it drops the oldest (reported as expired).</summary>
    public int MaxPending { get; init; } = 16;
}
