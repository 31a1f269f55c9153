using System.Text.Json;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// An external agent known to the gateway by the name of its hello: it exists from its first hello
/// to the end of the run (shown disconnected between connections), keeps its counters, its
/// fill numbering (<c>fill_seq</c>) and its reliable event log for replay. At most one connection
/// is its live session at a time.
/// </summary>
public sealed class GatewayAgent
{
    private readonly TimeProvider _time;
    private AgentSession? _session;
    private long _lastLineUtcTicks;
    private long _requestIds;

    internal GatewayAgent(int index, string name, int sourceId, int logCapacity, TimeProvider time)
    {
        Index = index;
        Name = name;
        SourceId = sourceId;
        Log = new AgentEventLog(logCapacity);
        _time = time;
    }

    public string Name { get; }

    /// <summary>The methods its latest hello offered to requests.</summary>
    public IReadOnlyList<string> Methods { get; internal set; } = [];

    /// <summary>The version its latest hello gave.</summary>
    public string Version { get; internal set; } = "";

    /// <summary>The symbols its latest hello subscribed to.</summary>
    public IReadOnlyList<string> Symbols { get; internal set; } = [];

    /// <summary>Whether a connection is its live session now.</summary>
    public bool Connected => Volatile.Read(ref _session) is not null;

    /// <summary>When it last sent a line (any line counts as a heartbeat); null before its first.</summary>
    public DateTimeOffset? LastHeartbeat
    {
        get
        {
            long ticks = Volatile.Read(ref _lastLineUtcTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    public GatewayAgentCounters Counters { get; } = new();

    internal int Index { get; }

    /// <summary>Its name interned in the engine's sources (what its signals carry).</summary>
    internal int SourceId { get; }

    internal AgentEventLog Log { get; }

    internal AgentSession? Session => Volatile.Read(ref _session);

    /// <summary>
    /// Sends <c>{"type":"request","request_id":..,"method":..,"params":..}</c> to the live session and
    /// waits for its <c>response</c> (the caller's token bounds it: the router's timeout). Never throws
    /// for the agent's sake: not connected, disconnected meanwhile or an error answer are failed results.
    /// </summary>
    public async Task<GatewayAgentResponse> RequestAsync(string method, JsonElement parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (Session is not { } session)
        {
            return GatewayAgentResponse.Failed($"agent '{Name}' is not connected");
        }

        Counters.CountRequest();
        string requestId = "r" + Interlocked.Increment(ref _requestIds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Task<GatewayAgentResponse> answer = session.SendRequest(requestId, method, parameters);
        try
        {
            return await answer.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            session.ForgetRequest(requestId);
            throw;
        }
    }

    internal void Touch() => Volatile.Write(ref _lastLineUtcTicks, _time.GetUtcNow().UtcTicks);

    /// <summary>Makes <paramref name="session"/> the live one; returns the one it replaces.</summary>
    internal AgentSession? Attach(AgentSession session) => Interlocked.Exchange(ref _session, session);

    /// <summary>Ends <paramref name="session"/> if it is still the live one.</summary>
    internal void Detach(AgentSession session) => Interlocked.CompareExchange(ref _session, null, session);
}
