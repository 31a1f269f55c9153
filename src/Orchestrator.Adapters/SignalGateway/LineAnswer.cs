namespace Orchestrator.Adapters.SignalGateway;

/// <summary>What a line got as its immediate answer.</summary>
internal enum LineAnswer : byte
{
    Accepted = 1,
    Rejected,
    Authenticated,

    /// <summary>An agent protocol line (welcome, a hello error) queued in the slot's <see cref="GatewaySlot.Controls"/>.</summary>
    Control,

    /// <summary>An agent protocol error with a fixed text: <c>{"type":"error","error":"…"}</c>.</summary>
    AgentError,
}
