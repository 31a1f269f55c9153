namespace Orchestrator.Adapters.Kis;

/// <summary>What a KIS real-time WebSocket frame turned out to be.</summary>
public enum KisFrameKind
{
    /// <summary>A plain data frame (<c>0|TR_ID|NNN|f0^f1^…</c>) whose records went to the sink.</summary>
    Data,

    /// <summary>A JSON control frame acknowledging a subscribe or unsubscribe.</summary>
    SubscribeAck,

    /// <summary>The server's keep-alive: echo the frame back unchanged.</summary>
    PingPong,

    /// <summary>An encrypted data frame (flag 1: execution notices, AES-256-CBC); counted, decoded by the execution feed.</summary>
    Encrypted,

    /// <summary>A well-formed data frame for a TR id this parser does not decode.</summary>
    UnknownTr,

    /// <summary>Not a frame this protocol sends: rejected, counted, never thrown.</summary>
    Malformed,
}

/// <summary>The outcome of parsing one frame.</summary>
public readonly record struct KisFrameResult(KisFrameKind Kind, int Records, string? Reason = null);
