using System.Reflection;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// Dependencies point one way: Core ← Strategies.Abstractions (the public strategy API) ← Engine ←
/// Adapters, Agents ← Daemon; the ring is the Disruptor package.
/// </summary>
public sealed class DependencyDirectionTests
{
    public static TheoryData<string, string[]> Allowed => new()
    {
        { "Orchestrator.Core", [] },
        { "Orchestrator.Strategies.Abstractions", ["Orchestrator.Core"] }, // what users compile against: nothing of the engine
        { "Orchestrator.Engine", ["Orchestrator.Core", "Orchestrator.Strategies.Abstractions"] },
        { "Orchestrator.Adapters", ["Orchestrator.Core", "Orchestrator.Engine", "Orchestrator.Strategies.Abstractions"] },
        { "Orchestrator.Agents", ["Orchestrator.Core", "Orchestrator.Engine", "Orchestrator.Strategies.Abstractions"] }, // agents never touch adapters or the daemon
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void Project_ReferencesOnlyTheLayersBelowIt(string assemblyName, string[] allowed)
    {
        Assembly assembly = Assembly.Load(assemblyName);
        string[] ours = [.. assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("Orchestrator.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

        Assert.Empty(ours.Except(allowed));
    }

    [Fact]
    public void Engine_RingIsDisruptorNet_NotAProjectOfOurOwn()
    {
        Assembly engine = Assembly.Load("Orchestrator.Engine");
        string[] referenced = [.. engine.GetReferencedAssemblies().Select(a => a.Name!)];

        Assert.Contains("Disruptor", referenced);
        Assert.DoesNotContain("Orchestrator.RingBuffer", referenced);
    }
}
