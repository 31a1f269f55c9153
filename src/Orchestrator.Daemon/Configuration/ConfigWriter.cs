using System.Globalization;
using System.Text;

namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// Writes the read/write configuration files (<c>agent_model.yaml</c>,
/// <c>mcp_integration.yaml</c>) atomically with a <c>.bak</c> of the previous version. What it
/// writes reads back, through <see cref="ConfigLoader"/>, to the same values.
/// </summary>
public static class ConfigWriter
{
    public static void WriteAgentModels(string directory, IReadOnlyDictionary<string, AgentModel> agents, Action? beforeRename = null)
    {
        ArgumentNullException.ThrowIfNull(agents);
        var yaml = new StringBuilder("# Which model each agent uses. Written by the daemon; edits are welcome.\nagents:\n");
        foreach ((string name, AgentModel model) in agents.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  {name}:\n");
            yaml.Append(CultureInfo.InvariantCulture, $"    provider: {Quote(model.Provider)}\n");
            yaml.Append(CultureInfo.InvariantCulture, $"    model: {Quote(model.Model)}\n");
            if (model.Endpoint is not null)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"    endpoint: {Quote(model.Endpoint)}\n");
            }

            yaml.Append(CultureInfo.InvariantCulture, $"    temperature: {model.Temperature}\n");
            yaml.Append(CultureInfo.InvariantCulture, $"    timeout: {model.Timeout.TotalMilliseconds}ms\n");
        }

        AtomicFile.Write(Path.Combine(directory, ConfigLoader.AgentModelFile), yaml.ToString(), beforeRename);
    }

    public static void WriteMcp(string directory, McpConfig mcp, Action? beforeRename = null)
    {
        ArgumentNullException.ThrowIfNull(mcp);
        string yaml = string.Create(CultureInfo.InvariantCulture, $"""
            # The MCP server for external LLM agents. Written by the daemon; edits are welcome.
            enabled: {(mcp.Enabled ? "true" : "false")}
            transport: {mcp.Transport}
            http_port: {mcp.HttpPort}
            tools: [{string.Join(", ", mcp.Tools)}]
            trading_tools_enabled: {(mcp.TradingToolsEnabled ? "true" : "false")}

            """);
        AtomicFile.Write(Path.Combine(directory, ConfigLoader.McpFile), yaml, beforeRename);
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
