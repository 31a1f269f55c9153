using System.Globalization;
using System.Text;

namespace Orchestrator.Daemon.Tests.Mcp;

/// <summary>
/// A configuration directory for a daemon under MCP test: built-in rules off (so the only
/// signals are the ones a test submits), agents with 1 s bars and a bars file for backtests,
/// the MCP token in api_credentials.yaml, and the given mcp_integration.yaml.
/// </summary>
internal static class McpTestConfig
{
    public const string Token = "mcp-test-token-0123456789";

    public const string AllTools = "[get_portfolio, get_positions, get_open_orders, get_recent_signals, get_system_status, get_technical_indicators, run_backtest, get_backtest_report, ask_orchestrator, submit_signal, send_agent_message, engage_kill_switch]";

    /// <summary>Creates the directory (with a <c>logs</c> folder) and returns it.</summary>
    public static string Create(string mcpYaml)
    {
        string dir = Directory.CreateTempSubdirectory("orc-mcp-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "logs"));
        string bars = Path.Combine(dir, "bars.csv");
        File.WriteAllText(bars, Bars());
        File.WriteAllText(Path.Combine(dir, "mcp_integration.yaml"), mcpYaml);
        File.WriteAllText(Path.Combine(dir, "risk_management.yaml"), "rules:\n  momentum:\n    enabled: false\n  rsi_reversion:\n    enabled: false\n");
        File.WriteAllText(Path.Combine(dir, "daemon.yaml"), $"agents:\n  bar_length: 1s\n  snapshot_interval: 50ms\n  backtest_data: \"{bars}\"\n");
        string credentials = Path.Combine(dir, "api_credentials.yaml");
        File.WriteAllText(credentials, $"mcp:\n  token: \"{Token}\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(credentials, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return dir;
    }

    /// <summary>The repository's committed <c>config/</c>.</summary>
    public static string RepositoryConfigDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "Orchestrator.LowLatency.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir.FullName, "config");
    }

    /// <summary>The daemon's arguments for a short-lived test run in <paramref name="dir"/>.</summary>
    public static List<string> RunArguments(string dir, params string[] extra) =>
        ["run", "--config", dir, "--log-dir", Path.Combine(dir, "logs"), "--ticks-per-second", "100", "--headless", .. extra];

    /// <summary>One day of minute bars for AAPL and MSFT (a seeded random walk).</summary>
    private static string Bars()
    {
        var random = new Random(11);
        var csv = new StringBuilder("timestamp,symbol,open,high,low,close,volume\n");
        decimal[] price = [180m, 370m];
        string[] symbols = ["AAPL", "MSFT"];
        for (int minute = 0; minute < 390; minute++)
        {
            DateTime t = new DateTime(2024, 1, 2, 14, 30, 0, DateTimeKind.Utc).AddMinutes(minute);
            for (int s = 0; s < 2; s++)
            {
                decimal open = price[s];
                decimal close = Math.Round(open * (1 + ((decimal)random.NextDouble() - 0.5m) / 200m), 2);
                price[s] = close;
                csv.Append(CultureInfo.InvariantCulture, $"{t:yyyy-MM-ddTHH:mm:ssZ},{symbols[s]},{open},{Math.Max(open, close) + 0.05m},{Math.Min(open, close) - 0.05m},{close},1000\n");
            }
        }

        return csv.ToString();
    }
}
