using Orchestrator.Strategies;

namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// One entry of <c>daemon.yaml</c> <c>strategies:</c>, loaded and checked: its assembly was loaded,
/// its class found and constructed once, its parameters bound onto its options type and validated.
/// <see cref="Create"/> makes a fresh instance with those parameters for each engine (a live run,
/// a backtest), so no engine sees state another left behind.
/// </summary>
/// <param name="Name">Unique; the source its signals, orders and fills are attributed to.</param>
/// <param name="TypeName">The class's full name.</param>
/// <param name="AssemblyPath">The .dll it was loaded from (absolute).</param>
/// <param name="Symbols">The engine symbols it trades.</param>
/// <param name="Enabled"><c>run</c> starts it (<c>backtest --strategy NAME</c> runs it either way).</param>
/// <param name="Threading">Where the host runs it, as the strategy declares.</param>
/// <param name="Create">A new instance, parameters applied.</param>
public sealed record StrategyDefinition(string Name, string TypeName, string AssemblyPath, IReadOnlyList<string> Symbols, bool Enabled, StrategyThreading Threading, Func<IStrategy> Create)
{
    /// <summary>The registration an engine takes: a new instance under this name, on these symbols.</summary>
    public StrategyRegistration Register() => new(Name, Create(), Symbols);

    /// <summary>Its parameters' names as <c>parameters:</c> spells them (empty when it takes none).</summary>
    public IReadOnlyList<string> ParameterNames { get; init; } = [];

    /// <summary>
    /// The same strategy with some parameters replaced (name → value as text, as in <c>parameters:</c>),
    /// bound and validated as the file's were, or null and why; null when it takes no parameters
    /// (<c>backtest optimize</c> sweeps through it).
    /// </summary>
    public Func<IReadOnlyList<KeyValuePair<string, string>>, (StrategyDefinition? Strategy, string? Problem)>? WithParameters { get; init; }

    /// <summary>For the start-up log: <c>orb (Examples.Orb from /path/orb.dll; fast path; AAPL, MSFT)</c>.</summary>
    public string Describe() =>
        $"{Name} ({TypeName} from {AssemblyPath}; {(Threading == StrategyThreading.FastPath ? "fast path" : "slow path")}; {string.Join(", ", Symbols)})";
}
