namespace Orchestrator.AgentClient;

/// <summary>
/// A submitted signal: <see cref="Ack"/> completes with the gateway's answer, <see cref="Outcome"/>
/// with the engine's decision. Both fail with <see cref="IOException"/> when the connection ends
/// first (the signal may still have been accepted: its orders and fills arrive as messages).
/// Continuations run asynchronously, never on the client's reader.
/// </summary>
public sealed class SignalTicket
{
    private readonly TaskCompletionSource<SignalAck> _ack = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<SignalOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal SignalTicket(string id) => Id = id;

    public string Id { get; }

    public Task<SignalAck> Ack => _ack.Task;

    public Task<SignalOutcome> Outcome => _outcome.Task;

    internal void SetAck(SignalAck ack)
    {
        _ack.TrySetResult(ack);
        if (!ack.Accepted)
        {
            _outcome.TrySetResult(new SignalOutcome(Id, "rejected", 0, null, null, ack.Error));
        }
    }

    internal void SetOutcome(SignalOutcome outcome) => _outcome.TrySetResult(outcome);

    internal void Fail(string reason)
    {
        var error = new IOException($"signal {Id}: {reason} before its answer");
        _ack.TrySetException(error);
        _outcome.TrySetException(error);
    }
}
