using Orchestrator.Agents.Agents;

namespace Orchestrator.Agents.Health;

/// <summary>
/// The monitor's restart bookkeeping for one agent. Only the health check touches it, and checks
/// never overlap (the monitor's gate), so it needs no lock.
/// </summary>
internal sealed class AgentWatch(IAgent agent)
{
    private readonly Queue<DateTimeOffset> _restarts = new();

    public IAgent Agent { get; } = agent;

    /// <summary>When the latest restart was attempted (meaningful only when <see cref="RestartsWithin"/> is above 0).</summary>
    public DateTimeOffset LastRestart { get; private set; }

    /// <summary>When the oldest restart still in the window was attempted.</summary>
    public DateTimeOffset OldestRestart => _restarts.Peek();

    /// <summary>Restarts attempted in the <paramref name="window"/> up to <paramref name="now"/>; older ones are forgotten.</summary>
    public int RestartsWithin(TimeSpan window, DateTimeOffset now)
    {
        while (_restarts.Count > 0 && _restarts.Peek() + window <= now)
        {
            _restarts.Dequeue();
        }

        return _restarts.Count;
    }

    public void RecordRestart(DateTimeOffset at)
    {
        _restarts.Enqueue(at);
        LastRestart = at;
    }
}
