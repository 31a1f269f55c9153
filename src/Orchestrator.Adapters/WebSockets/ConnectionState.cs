namespace Orchestrator.Adapters.WebSockets;

/// <summary>Health of one WebSocket link, for the health monitor.</summary>
public enum ConnectionState
{
    Connecting,
    Connected,
    Reconnecting,

    /// <summary>Ten reconnects in a row failed: retrying on the slow cadence; a person should look.</summary>
    Degraded,
    Stopped,
}
