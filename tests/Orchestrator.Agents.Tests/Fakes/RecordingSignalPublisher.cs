using System.Collections.Concurrent;
using Orchestrator.Agents.State;

namespace Orchestrator.Agents.Tests.Fakes;

/// <summary>
/// A test fake of <see cref="ISignalPublisher"/> (the daemon implements it for real by publishing
/// into the engine's inbound ring): records every signal and accepts it with the next sequence.
/// </summary>
public sealed class RecordingSignalPublisher : ISignalPublisher
{
    private readonly ConcurrentQueue<AgentSignal> _signals = new();
    private long _sequence;

    /// <summary>Signals published so far, in order.</summary>
    public IReadOnlyList<AgentSignal> Signals => [.. _signals];

    /// <summary>When set, signals are refused with this error instead of accepted.</summary>
    public string? RefuseWith { get; set; }

    public SignalPublishResult Publish(AgentSignal signal)
    {
        _signals.Enqueue(signal);
        return RefuseWith is { } error
            ? new SignalPublishResult(false, 0, error)
            : Accepted(Interlocked.Increment(ref _sequence));
    }

    /// <summary>Accepted at <paramref name="sequence"/>, with the signal id the sequence (as the engine gives each signal its own).</summary>
    private static SignalPublishResult Accepted(long sequence) => new(true, sequence, null) { SignalId = sequence };
}
