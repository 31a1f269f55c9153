using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.State;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// Who may sign signals with each source name (an interned id of the engine's sources), so that no
/// connection is booked as someone it is not. A name is, for the run:
/// <list type="bullet">
/// <item><b>free</b> — nobody used it yet;</item>
/// <item><b>a label</b> — a plain connection (no hello, no agent token) signed with it: plain
///   connections may go on using it, an agent may not take it (its orders would be mixed with theirs);</item>
/// <item><b>an agent's</b> — it said hello with it, or an agent token is registered for it: only that
///   agent's connections sign with it (their signals carry it whatever they say); a plain connection
///   naming it is refused;</item>
/// <item><b>reserved</b> — the engine's own sources (<c>rules</c>, <c>exits</c>, <c>operator</c>), its
///   in-process strategies and what the host reserves (its in-process agents, MCP): refused from any
///   connection, as a plain signal's source and as a hello's name.</item>
/// </list>
/// The default source of a plain connection, <see cref="SignalLineParser.DefaultSource"/>, starts as a label.
/// A state only moves forward (free → label, free → agent, anything → reserved; an agent token turns
/// a label into an agent's name, the token being proof). Plain signals check it on the connection's
/// reader without locks or allocation (one compare-and-swap the first time a name is used); hellos
/// and tokens change it on the slow path.
/// </summary>
internal sealed class SourceClaims
{
    private const int Free = 0, Label = 1, Agent = 2, Reserved = 3;

    private readonly TextInterner _sources;

    // One state per possible source id (the interner's capacity is fixed): no resizing, so readers never see a stale array.
    private readonly int[] _states;

    public SourceClaims(TradingEngine engine)
        : this(SourcesOf(engine), StrategyNames(engine))
    {
    }

    /// <summary>Claims over <paramref name="sources"/>: the engine's own sources and <paramref name="reserved"/> are reserved.</summary>
    public SourceClaims(TextInterner sources, IEnumerable<string> reserved)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(reserved);
        _sources = sources;
        _states = new int[_sources.Capacity];
        Reserve(EngineSources.RulesName);
        Reserve(EngineSources.ExitsName);
        Reserve(EngineSources.OperatorName);
        foreach (string name in reserved)
        {
            Reserve(name);
        }

        _states[_sources.Intern(SignalLineParser.DefaultSource)] = Label;
        _states[_sources.Capacity - 1] = Label; // the interner's overflow id ("(other)") is never any agent's
    }

    /// <summary>Refuses <paramref name="name"/> from every connection from now on (slow path).</summary>
    public void Reserve(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        int id = _sources.Intern(name);
        if (string.Equals(_sources.Get(id), name, StringComparison.Ordinal))
        {
            Volatile.Write(ref _states[id], Reserved); // release: readers see it before any later signal of theirs
        }
    }

    /// <summary>
    /// Whether a plain connection may sign with <paramref name="sourceId"/> (connection reader; no lock,
    /// no allocation): yes for a free name (it becomes a label) or a label; no for an agent's or a reserved one.
    /// </summary>
    public bool TryUseAsLabel(int sourceId)
    {
        if ((uint)sourceId >= (uint)_states.Length)
        {
            return false;
        }

        // Acquire: a hello or token that claimed the name before is seen.
        int state = Volatile.Read(ref _states[sourceId]);
        if (state == Free)
        {
            // Full fence: exactly one of a racing hello and this label wins the free name.
            state = Interlocked.CompareExchange(ref _states[sourceId], Label, Free);
        }

        return state is Free or Label;
    }

    /// <summary>
    /// Claims <paramref name="sourceId"/> for an agent (a hello; slow path): null when it may have it,
    /// else why not, naming <c>hello.name</c>. With <paramref name="proven"/> (its connection holds the
    /// name's agent token) a label is taken over; a reserved name never is.
    /// </summary>
    public string? ClaimForAgent(string name, int sourceId, bool proven)
    {
        if ((uint)sourceId >= (uint)_states.Length)
        {
            return $"hello.name: '{name}' cannot be used";
        }

        // Full fence: racing plain signals see the agent's claim or win the name first (then this refuses).
        int state = Interlocked.CompareExchange(ref _states[sourceId], Agent, Free);
        if (state == Label && proven)
        {
            state = Interlocked.CompareExchange(ref _states[sourceId], Agent, Label) == Reserved ? Reserved : Agent;
        }

        return state switch
        {
            Free or Agent => null,
            Label => $"hello.name: '{name}' is already the source of plain signals this run; pick another name (or connect with its agent token)",
            _ => $"hello.name: '{name}' is reserved (a built-in source, an in-process strategy or agent, or MCP)",
        };
    }

    private static TextInterner SourcesOf(TradingEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.Sources;
    }

    /// <summary>The in-process strategies' names: reserved, as they sign their own signals.</summary>
    private static IEnumerable<string> StrategyNames(TradingEngine engine) => engine.Options.Strategies.Select(strategy => strategy.Name);
}
