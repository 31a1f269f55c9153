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
            AppendAgentKeys(yaml, model);
        }

        AtomicFile.Write(Path.Combine(directory, ConfigLoader.AgentModelFile), yaml.ToString(), beforeRename);
    }

    /// <summary>The keys beyond the first five, each only when it differs from its default (the key itself is never written: api_key_env names where it is).</summary>
    private static void AppendAgentKeys(StringBuilder yaml, AgentModel model)
    {
        if (model.Role != LlmRoles.Strategy)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"    role: {model.Role}\n");
        }

        if (model.MaxTokens is { } maxTokens)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"    max_tokens: {maxTokens}\n");
        }

        if (!model.JsonResponseFormat)
        {
            yaml.Append("    response_format: text\n");
        }

        if (model.PromptFile is { } promptFile)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"    prompt_file: {Quote(promptFile)}\n");
        }

        if (model.Symbols.Count > 0)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"    symbols: [{string.Join(", ", model.Symbols.Select(Quote))}]\n");
        }

        if (model.Interval is { } interval)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"    interval: {interval.TotalMilliseconds}ms\n");
        }

        if (model.OnBarClose is { } barClose)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"    on: bar_close({barClose})\n");
        }

        if (model.ApiKeyEnv is { } apiKeyEnv)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"    api_key_env: {apiKeyEnv}\n");
        }

        if (model.InputPricePerMillionTokens is { } input)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"    price_per_mtok_input: {input}\n");
        }

        if (model.OutputPricePerMillionTokens is { } output)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"    price_per_mtok_output: {output}\n");
        }

        if (model.Role == LlmRoles.Orchestrator)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"    max_steps: {model.MaxSteps}\n");
            yaml.Append(CultureInfo.InvariantCulture, $"    max_task_tokens: {model.MaxTaskTokens}\n");
        }
        else
        {
            yaml.Append(CultureInfo.InvariantCulture, $"    bars_in_prompt: {model.BarsInPrompt}\n");
            yaml.Append(CultureInfo.InvariantCulture, $"    max_signals: {model.MaxSignals}\n");
        }
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
