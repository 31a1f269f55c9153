namespace Orchestrator.Agents.Agents;

/// <summary>
/// Counts an agent's work items that failed in a row (a model answering 429/500 or timing out, a
/// handler throwing); any success ends the streak. <see cref="Failing"/> says why once the last
/// <see cref="Threshold"/> items all failed: the health monitor then reports the agent Degraded
/// (it answers its probe and beats, so it is not hung, but its work gives nothing).
/// </summary>
public sealed class WorkFailureStreak
{
    /// <summary>How many work items in a row must fail before the agent counts as failing: a single 429 is noise, three are a pattern.</summary>
    public const int Threshold = 3;

    private readonly Lock _lock = new();
    private int _failures;
    private string? _latest;

    /// <summary>Why the work is failing when the last <see cref="Threshold"/> items all failed; null otherwise.</summary>
    public string? Failing
    {
        get
        {
            lock (_lock)
            {
                return _failures >= Threshold ? $"its last {_failures} work items failed, the latest: {_latest}" : null;
            }
        }
    }

    /// <summary>A work item succeeded: the streak ends.</summary>
    public void Succeeded()
    {
        lock (_lock)
        {
            _failures = 0;
            _latest = null;
        }
    }

    /// <summary>A work item failed, for <paramref name="reason"/>.</summary>
    public void Failed(string reason)
    {
        lock (_lock)
        {
            _failures++;
            _latest = reason;
        }
    }
}
