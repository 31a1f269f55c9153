using System.Collections.Concurrent;

namespace Orchestrator.Engine.State;

/// <summary>
/// What kind of agent each source name is, for reports (the run report's and backtest report's
/// <c>agents</c>, <c>GET /api/agents/{name}</c>): whoever starts an agent registers its kind
/// (an in-process strategy host: <see cref="Strategy"/>; the LLM strategy agent: <see cref="Llm"/>);
/// the engine's own sources are known; every other name is an <see cref="External"/> agent (a
/// program on the signal gateway or the agent protocol). Slow path only; thread-safe.
/// </summary>
public sealed class AgentKinds
{
    public const string Strategy = "strategy";
    public const string External = "external";
    public const string Llm = "llm";
    public const string Rules = EngineSources.RulesName;
    public const string Exits = EngineSources.ExitsName;
    public const string Operator = EngineSources.OperatorName;

    /// <summary>The signal gateway's default source, for lines that name none.</summary>
    public const string Gateway = "gateway";

    /// <summary>The book's lumped slot (<see cref="AgentBook.OtherName"/>).</summary>
    public const string Other = AgentBook.OtherName;

    private readonly ConcurrentDictionary<string, string> _registered = new(StringComparer.Ordinal);

    /// <summary>Records that source <paramref name="name"/> is of <paramref name="kind"/> (the last registration wins).</summary>
    public void Register(string name, string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(kind);
        _registered[name] = kind;
    }

    /// <summary>The kind of <paramref name="name"/>: registered, else built in, else <see cref="External"/>.</summary>
    public string Of(string name) => _registered.TryGetValue(name, out string? kind) ? kind : name switch
    {
        Rules => Rules,
        Exits => Exits,
        Operator => Operator,
        Gateway => Gateway,
        Other => Other,
        _ => External,
    };
}
