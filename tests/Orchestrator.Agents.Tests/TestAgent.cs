using System.Text.Json.Nodes;
using Orchestrator.Agents.Agents;
using Orchestrator.Agents.Execution;

namespace Orchestrator.Agents.Tests;

/// <summary>Parameters of <see cref="TestAgent"/>'s echo.</summary>
public sealed record EchoParams(string Text, int Times = 1) : IAgentParams
{
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Text))
        {
            yield return "text: must not be empty";
        }

        if (Times is < 1 or > 10)
        {
            yield return $"times: must be between 1 and 10, got {Times}";
        }
    }
}

/// <summary>An agent with well-behaved, slow, crashing and token-ignoring methods, for the router's tests.</summary>
internal sealed class TestAgent : AgentBase
{
    public TestAgent(SlowPathScheduler? pool = null)
        : base("test_agent")
    {
        Register<EchoParams>("echo", (p, _) =>
        {
            RanOnPool = pool?.IsPoolThread ?? false;
            return Task.FromResult<JsonNode?>(new JsonObject { ["echo"] = string.Concat(Enumerable.Repeat(p.Text, p.Times)) });
        });
        Register("wait", async ct =>
        {
            Started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        });
        Register("crash", _ => throw new InvalidOperationException("boom"));
        Register("ignore_token", async _ =>
        {
            Started.TrySetResult();
            await Release.Task; // ignores cancellation on purpose
            return new JsonObject { ["late"] = true };
        });
    }

    public bool RanOnPool { get; private set; }

    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
