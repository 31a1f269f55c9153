namespace Orchestrator.Agents.Supervision;

/// <summary>When a supervised agent process is started again after it ended (<c>restart:</c> in daemon.yaml).</summary>
public enum RestartPolicy
{
    /// <summary>Whenever it ends, whatever its exit code.</summary>
    Always,

    /// <summary>When it ends with a non-zero exit code, is killed by a signal, or stops heartbeating; exit 0 means done.</summary>
    OnFailure,

    /// <summary>Never: an ended (or hung, then stopped) agent stays stopped.</summary>
    Never,
}
