using System.Reflection;

namespace Orchestrator.Daemon.Tests;

/// <summary>Dependencies point one way: Core ← RingBuffer/Engine ← Adapters, Agents ← Daemon.</summary>
public sealed class DependencyDirectionTests
{
    public static TheoryData<string, string[]> Allowed => new()
    {
        { "Orchestrator.Core", [] },
        { "Orchestrator.RingBuffer", [] },
        { "Orchestrator.Engine", ["Orchestrator.Core", "Orchestrator.RingBuffer"] },
        { "Orchestrator.Adapters", ["Orchestrator.Core", "Orchestrator.RingBuffer", "Orchestrator.Engine"] },
        { "Orchestrator.Agents", ["Orchestrator.Core", "Orchestrator.RingBuffer", "Orchestrator.Engine"] }, // agents never touch adapters or the daemon
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
}
