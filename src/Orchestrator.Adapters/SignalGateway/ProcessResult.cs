namespace Orchestrator.Adapters.SignalGateway;

/// <summary>Why <see cref="LineProcessor.Process"/> stopped.</summary>
internal enum ProcessResult : byte
{
    /// <summary>Every whole line was handled; read more.</summary>
    NeedMore,

    /// <summary>The connection's table of unsettled lines is full: wait for its writer.</summary>
    NoRoom,

    /// <summary>The inbound ring is full: wait for the engine (the line is kept, not dropped).</summary>
    RingFull,

    /// <summary>Authentication failed: answer, then close the connection.</summary>
    Close,
}
