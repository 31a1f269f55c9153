using Orchestrator.Agents.Agents;

namespace Orchestrator.Agents.Tests;

/// <summary>What the slow path is made of, checked on the assembly.</summary>
public sealed class SlowPathArchitectureTests
{
    /// <summary>
    /// Issue 18: a message broker had publishers and no subscriber — a state sync that did not
    /// happen. Agents keep in sync through the engine's snapshot (built-in agents) and the agent
    /// protocol's feed (external agents); no pub/sub without a reader is left behind.
    /// </summary>
    [Fact]
    public void NoMessageBroker_WithoutSubscribers_IsLeft()
    {
        Type[] types = typeof(IAgent).Assembly.GetTypes();

        Assert.DoesNotContain(types, t => t.Namespace == "Orchestrator.Agents.Messaging");
        Assert.DoesNotContain(types, t => t.Name.Contains("MessageBroker", StringComparison.Ordinal));
    }
}
