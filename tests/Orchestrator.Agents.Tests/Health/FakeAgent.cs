using System.Text.Json;
using Orchestrator.Agents.Agents;
using Orchestrator.Agents.Routing;

namespace Orchestrator.Agents.Tests.Health;

/// <summary>An agent whose probe the test controls: it answers, throws, or hangs until canceled.</summary>
internal sealed class FakeAgent(string name, TimeProvider time) : IAgent
{
    private long _heartbeatTicks = time.GetUtcNow().UtcTicks;
    private int _probes;
    private int _restarts;

    public string Name { get; } = name;

    public IReadOnlyCollection<string> Methods { get; } = [];

    public DateTimeOffset LastHeartbeat => new(Interlocked.Read(ref _heartbeatTicks), TimeSpan.Zero);

    /// <summary>The probe never completes until its token is canceled.</summary>
    public bool Hangs { get; set; }

    /// <summary>The probe throws.</summary>
    public bool Throws { get; set; }

    /// <summary>An answered probe counts as a heartbeat.</summary>
    public bool BeatsOnProbe { get; set; } = true;

    /// <summary>A restart cures whatever was wrong.</summary>
    public bool HealsOnRestart { get; set; }

    public int Probes => Volatile.Read(ref _probes);

    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>Released each time a probe begins.</summary>
    public SemaphoreSlim ProbeEntered { get; } = new(0);

    public Task<AgentResult> InvokeAsync(string method, JsonElement parameters, CancellationToken cancellationToken) =>
        Task.FromResult(AgentResult.Failure(AgentErrors.UnknownMethod, method));

    public Task ProbeAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _probes);
        ProbeEntered.Release();
        if (Hangs)
        {
            return Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (Throws)
        {
            throw new InvalidOperationException("probe exploded");
        }

        if (BeatsOnProbe)
        {
            Beat();
        }

        return Task.CompletedTask;
    }

    public Task RestartAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _restarts);
        if (HealsOnRestart)
        {
            Hangs = false;
            Throws = false;
        }

        Beat();
        return Task.CompletedTask;
    }

    private void Beat() => Interlocked.Exchange(ref _heartbeatTicks, time.GetUtcNow().UtcTicks);
}
