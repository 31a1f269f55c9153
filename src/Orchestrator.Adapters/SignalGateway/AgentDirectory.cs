using System.Collections.Concurrent;
using System.Text;
using Orchestrator.Core;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// The gateway's external agents: by name (created on the first hello, kept for the run), by
/// interned source id (what the feed thread routes reports with; a copy-on-write array it reads
/// without locks), by connection slot (the live sessions the feed thread wakes), and the agent
/// tokens the supervisor registers. Changes happen on the slow path under one lock; the feed
/// thread only reads published arrays.
/// </summary>
internal sealed class AgentDirectory
{
    /// <summary>Most agent names per run (the feed keeps positions per agent and symbol in fixed arrays).</summary>
    public const int MaxAgents = 64;

    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, GatewayAgent> _byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _tokens = new(StringComparer.Ordinal);
    private readonly TextInterner _sources;
    private readonly SourceClaims _claims;
    private readonly TimeProvider _time;
    private readonly int _logCapacity;
    private GatewayAgent?[] _bySource = new GatewayAgent?[64];

    public AgentDirectory(TextInterner sources, int slots, int logCapacity, TimeProvider time, SourceClaims claims)
    {
        _claims = claims;
        _sources = sources;
        _logCapacity = logCapacity;
        _time = time;
        Sessions = new AgentSession?[slots];
        ByIndex = new GatewayAgent?[MaxAgents];
    }

    /// <summary>Live sessions by connection slot (written on hello and end, read by the feed thread).</summary>
    public AgentSession?[] Sessions { get; }

    /// <summary>Agents by index (the feed thread's per-agent arrays).</summary>
    public GatewayAgent?[] ByIndex { get; }

    public int Count { get; private set; }

    /// <summary>A new agent name was seen (first hello), on the connection's reader.</summary>
    public event Action<GatewayAgent>? AgentAdded;

    public IReadOnlyCollection<GatewayAgent> All => [.. _byName.Values.OrderBy(a => a.Name, StringComparer.Ordinal)];

    public bool TryGet(string name, out GatewayAgent? agent) => _byName.TryGetValue(name, out agent);

    /// <summary>The agent whose name a signal carries, or null (feed thread; no lock, no allocation).</summary>
    public GatewayAgent? BySource(int sourceId)
    {
        GatewayAgent?[] map = Volatile.Read(ref _bySource);
        return (uint)sourceId < (uint)map.Length ? map[sourceId] : null;
    }

    /// <summary>
    /// Registers <paramref name="agentName"/>'s token: the name becomes the agent's (<see cref="SourceClaims"/>)
    /// at once, so plain connections can no longer sign as it, even before its first hello. Returns why
    /// the name cannot be the agent's (a reserved name), or null.
    /// </summary>
    public string? RegisterToken(string agentName, string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(agentName);
        ArgumentException.ThrowIfNullOrEmpty(token);
        _tokens[agentName] = TokenDigest.Of(Encoding.UTF8.GetBytes(token));
        return _claims.ClaimForAgent(agentName, _sources.Intern(agentName), proven: true);
    }

    /// <summary>Whether an agent token is registered for <paramref name="agentName"/>.</summary>
    public bool HasToken(string agentName) => _tokens.ContainsKey(agentName);

    public bool UnregisterToken(string agentName) => _tokens.TryRemove(agentName, out _);

    /// <summary>The agent name <paramref name="token"/> is registered for, or null.</summary>
    public string? MatchToken(ReadOnlySpan<byte> token)
    {
        if (_tokens.IsEmpty)
        {
            return null;
        }

        string? match = null;
        foreach (KeyValuePair<string, byte[]> entry in _tokens)
        {
            if (TokenDigest.Matches(token, entry.Value))
            {
                match = entry.Key; // every entry is compared: the time taken does not tell which matched
            }
        }

        return match;
    }

    /// <summary>The agent named <paramref name="name"/>, created on its first hello; null when <see cref="MaxAgents"/> are known already.</summary>
    public GatewayAgent? GetOrAdd(string name)
    {
        if (_byName.TryGetValue(name, out GatewayAgent? known))
        {
            return known;
        }

        GatewayAgent agent;
        lock (_gate)
        {
            if (_byName.TryGetValue(name, out known))
            {
                return known;
            }

            if (Count >= MaxAgents)
            {
                return null;
            }

            int sourceId = _sources.Intern(name);
            if (!string.Equals(_sources.Get(sourceId), name, StringComparison.Ordinal))
            {
                return null; // the source table is full: no id of its own to route its orders by
            }

            agent = new GatewayAgent(Count, name, sourceId, _logCapacity, _time);
            ByIndex[Count] = agent;
            Count++;
            GatewayAgent?[] map = _bySource;
            if (sourceId >= map.Length)
            {
                Array.Resize(ref map, Math.Max(map.Length * 2, sourceId + 1));
            }
            else
            {
                map = (GatewayAgent?[])map.Clone();
            }

            map[sourceId] = agent;
            Volatile.Write(ref _bySource, map); // release: the feed thread sees the agent whole
            _byName[name] = agent;
        }

        AgentAdded?.Invoke(agent);
        return agent;
    }
}
