using System.CommandLine;
using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon;

/// <summary>
/// <c>orchestrator mcp-config [--config DIR] [--enabled B] [--transport T] [--http-port N] [--tools a,b] [--trading-tools B]</c>:
/// shows <c>mcp_integration.yaml</c>, or changes it — the result is checked by the loader's own
/// rules (known tools, trading tools only when enabled, transport, port, a token for http) and
/// written atomically with a <c>.bak</c> of the previous version. The daemon reads it at start.
/// </summary>
public static class McpConfigCommand
{
    public static Command Create()
    {
        var configOption = new Option<string>("--config") { Description = "Configuration directory", DefaultValueFactory = _ => "config" };
        var enabledOption = new Option<bool?>("--enabled") { Description = "Start the MCP server with the daemon: true or false" };
        var transportOption = new Option<string?>("--transport") { Description = "stdio (a local agent host launches the daemon) or http (loopback, bearer token mcp.token)" };
        var portOption = new Option<int?>("--http-port") { Description = "The HTTP transport's port on 127.0.0.1" };
        var toolsOption = new Option<string?>("--tools") { Description = "The tools to expose, comma-separated (" + string.Join(", ", McpTools.ReadOnly.Concat(McpTools.Trading)) + ")" };
        var tradingOption = new Option<bool?>("--trading-tools") { Description = "Allow the trading tools (submit_signal, send_agent_message, engage_kill_switch) to be listed: true or false" };
        var command = new Command("mcp-config", "Show mcp_integration.yaml, or change it (checked, written atomically with a .bak); applies at the next start")
        {
            configOption, enabledOption, transportOption, portOption, toolsOption, tradingOption,
        };
        command.SetAction(parse => Run(
            parse.GetValue(configOption)!,
            new McpConfigChange(parse.GetValue(enabledOption), parse.GetValue(transportOption), parse.GetValue(portOption), parse.GetValue(toolsOption), parse.GetValue(tradingOption)),
            Console.Out,
            Console.Error));
        return command;
    }

    /// <summary>Exit 0 (shown or written), or 2 with every problem, one per line; nothing is written then.</summary>
    public static int Run(string configDir, McpConfigChange change, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = ConfigLoader.Load(configDir);
        if (config is null)
        {
            return Fail(error, errors, $"fix '{configDir}' first");
        }

        if (change.IsEmpty)
        {
            output.WriteLine(Describe(config.Mcp, config.Credentials));
            return DaemonCli.ExitOk;
        }

        McpConfig candidate = config.Mcp with
        {
            Enabled = change.Enabled ?? config.Mcp.Enabled,
            Transport = change.Transport ?? config.Mcp.Transport,
            HttpPort = change.HttpPort ?? config.Mcp.HttpPort,
            Tools = change.Tools is { } tools ? [.. tools.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : config.Mcp.Tools,
            TradingToolsEnabled = change.TradingTools ?? config.Mcp.TradingToolsEnabled,
        };

        // The candidate goes through the loader's own rules: rendered, read back from a scratch directory.
        DirectoryInfo scratch = Directory.CreateTempSubdirectory("orc-mcp-config-");
        try
        {
            ConfigWriter.WriteMcp(scratch.FullName, candidate);
            (McpConfig? checkedConfig, IReadOnlyList<ConfigError> problems) = ConfigLoader.LoadMcp(scratch.FullName);
            string shown = Path.Combine(configDir, ConfigLoader.McpFile);
            var all = problems.Select(p => p with { File = shown, Line = 0, Column = 0 }).ToList();
            if (checkedConfig is not null && ConfigLoader.McpTokenProblem(configDir, checkedConfig, config.Credentials) is { } token)
            {
                all.Add(token);
            }

            if (all.Count > 0)
            {
                return Fail(error, all, "nothing written");
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }

        ConfigWriter.WriteMcp(configDir, candidate);
        output.WriteLine($"wrote {Path.Combine(configDir, ConfigLoader.McpFile)} (the previous version is {ConfigLoader.McpFile}.bak); restart the daemon to apply");
        output.WriteLine(Describe(candidate, config.Credentials));
        return DaemonCli.ExitOk;
    }

    private static int Fail(TextWriter error, IEnumerable<ConfigError> problems, string outcome)
    {
        int count = 0;
        foreach (ConfigError problem in problems)
        {
            error.WriteLine(problem.ToString());
            count++;
        }

        error.WriteLine($"{count} problem(s); {outcome}");
        return DaemonCli.ExitConfigError;
    }

    private static string Describe(McpConfig mcp, CredentialsConfig credentials) =>
        $"MCP server: {(mcp.Enabled ? "enabled" : "disabled")}, transport {mcp.Transport}"
        + (mcp.Transport == "http" ? $" on 127.0.0.1:{mcp.HttpPort}/mcp, token {(credentials.McpToken is { IsEmpty: false } t ? "from " + t.Source : "missing")}" : string.Empty)
        + $"; tools: {string.Join(", ", mcp.Tools)}; trading tools {(mcp.TradingToolsEnabled ? "enabled" : "disabled")}";
}
