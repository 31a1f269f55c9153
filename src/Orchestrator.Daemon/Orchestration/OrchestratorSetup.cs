using System.Globalization;
using NLog;
using Orchestrator.Agents.Llm;
using Orchestrator.Agents.Strategy;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Mcp;

namespace Orchestrator.Daemon.Orchestration;

/// <summary>Starts the orchestrator agent of agent_model.yaml's <c>role: orchestrator</c> entry (at most one), or none.</summary>
public static class OrchestratorSetup
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Agents");

    /// <summary>The name of the <c>role: orchestrator</c> entry; null when there is none.</summary>
    public static string? NameIn(DaemonConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        string[] names = [.. config.Agents.Where(a => a.Value.Role == LlmRoles.Orchestrator).Select(a => a.Key).Order(StringComparer.Ordinal)];
        return names.Length switch
        {
            0 => null,
            1 => names[0],
            _ => throw new InvalidOperationException($"{ConfigLoader.AgentModelFile}: at most one agent may have role: orchestrator, got {string.Join(", ", names)}"),
        };
    }

    /// <summary>
    /// The orchestrator agent over <paramref name="context"/> (the MCP tools' session, agents and
    /// publisher) with the tools <paramref name="config"/>'s MCP settings give it; null when
    /// agent_model.yaml has no <c>role: orchestrator</c> entry. Its tool calls are counted with
    /// <paramref name="count"/>, its model calls measured in <paramref name="llmCalls"/> and written to the transcript under <paramref name="llmTranscripts"/> (null = not recorded). The caller disposes it.
    /// </summary>
    public static OrchestratorAgent? Create(DaemonConfig config, McpToolContext context, Action<string, string, bool>? count, LlmCallMetrics? llmCalls, string? llmTranscripts = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (NameIn(config) is not { } name)
        {
            return null;
        }

        AgentModel model = config.Agents[name];
        LlmStrategyOptions llm = AgentModelOptions.ToLlmOptions(name, model with { JsonResponseFormat = false }); // it answers in words
        IReadOnlyList<McpTool> tools = OrchestratorMcpTools.ForOrchestrator(config.Mcp, context with { SignalSource = name });
        var agent = new OrchestratorAgent(OrchestratorAgentOptions.From(name, model) with { ApiKey = llm.ApiKey }, Hosting.LlmTranscripts.Record(LlmChatClients.Create(llm, llmCalls), llm, llmTranscripts), tools, count); // every model round trip, tool calls included, in its transcript
        s_logger.Info("Orchestrator agent '{0}' ({1} {2} at {3}): tools {4}; at most {5} model calls and {6} tokens a task; POST {7}{8}",
            name, model.Provider, model.Model, llm.DisplayEndpoint, string.Join(", ", agent.ToolNames), model.MaxSteps, model.MaxTaskTokens.ToString(CultureInfo.InvariantCulture),
            OrchestratorEndpoints.AskPath, agent.CanTrade ? " (trading tools: its signals are signed " + name + ")" : " (read-only: MCP trading tools are off)");
        return agent;
    }
}
