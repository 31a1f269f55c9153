using System.Diagnostics;
using System.Text.Json;

namespace Orchestrator.Daemon.Tests.Mcp;

/// <summary>
/// With <c>run --mcp-stdio</c> stdout belongs to the MCP client: the whole run — start-up,
/// tool calls (a refused one logs a warning), the client closing stdin, shutdown and the summary —
/// puts nothing but JSON-RPC frames on stdout, and the log lines arrive on stderr.
/// </summary>
public sealed class McpStdoutTests : IDisposable
{
    private readonly string _dir = McpTestConfig.Create("enabled: false\n"); // --mcp-stdio alone turns it on

    public McpStdoutTests()
    {
        // the committed logging configuration, console target included: it too must stay off stdout
        File.Copy(Path.Combine(McpTestConfig.RepositoryConfigDirectory(), "NLog.config"), Path.Combine(_dir, "NLog.config"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task StdioMode_PutsOnlyMcpFramesOnStdout_ForTheWholeRun_AndEndsWhenTheClientClosesStdin()
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _dir, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(DaemonProcess.DaemonDll);
        foreach (string arg in new[] { "run", "--config", _dir, "--log-dir", Path.Combine(_dir, "logs"), "--mcp-stdio" })
        {
            start.ArgumentList.Add(arg); // no --headless: stdio mode must keep the dashboard away by itself
        }

        using var process = Process.Start(start)!;
        var stderr = new List<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.Add(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        using var guard = new CancellationTokenSource(McpDaemonFixture.HangGuard);
        try
        {
            var stdout = new List<string>();
            await Send(process, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
            await Send(process, """{"jsonrpc":"2.0","method":"notifications/initialized"}""");
            await Send(process, """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_portfolio","arguments":{}}}""");
            await Send(process, """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_recent_signals","arguments":{"limit":99}}}""");
            // the server handles requests concurrently: the answers to 2 and 3 may come in either order
            while (!stdout.Any(l => l.Contains("\"id\":2", StringComparison.Ordinal)) || !stdout.Any(l => l.Contains("\"id\":3", StringComparison.Ordinal)))
            {
                string? line = await process.StandardOutput.ReadLineAsync(guard.Token);
                Assert.True(line is not null, "stdout ended early; stderr:\n" + Tail(stderr));
                stdout.Add(line);
            }

            process.StandardInput.Close(); // the agent host goes away
            stdout.AddRange((await process.StandardOutput.ReadToEndAsync(guard.Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            await process.WaitForExitAsync(guard.Token);

            Assert.Equal(0, process.ExitCode);
            Assert.All(stdout, line =>
            {
                using JsonDocument frame = JsonDocument.Parse(line); // throws on anything that is not JSON
                Assert.Equal("2.0", frame.RootElement.GetProperty("jsonrpc").GetString());
            });
            Assert.Contains(stdout, l => l.Contains("\"id\":2", StringComparison.Ordinal) && l.Contains("starting_cash", StringComparison.Ordinal));
            Assert.Contains(stdout, l => l.Contains("\"id\":3", StringComparison.Ordinal) && l.Contains("\"isError\":true", StringComparison.Ordinal));

            process.WaitForExit(); // the stderr reader has delivered every line
            string log = Tail(stderr, int.MaxValue);
            Assert.Contains("MCP stdio call get_portfolio(): ok", log, StringComparison.Ordinal);
            Assert.Contains("The MCP client closed stdin: shutting down", log, StringComparison.Ordinal);
            Assert.Contains("Summary:", log, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [Fact]
    public async Task StdioFromTheConfigFile_WithAProblemInIt_KeepsStdoutEmpty_AndReportsOnStderr()
    {
        File.WriteAllText(Path.Combine(_dir, "mcp_integration.yaml"), "enabled: true\ntransport: stdio\ntools: [get_portfolio, get_weather]\n");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _dir, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(DaemonProcess.DaemonDll);
        foreach (string arg in new[] { "run", "--config", _dir, "--log-dir", Path.Combine(_dir, "logs") })
        {
            start.ArgumentList.Add(arg); // stdio chosen by the file alone
        }

        using var process = Process.Start(start)!;
        using var guard = new CancellationTokenSource(McpDaemonFixture.HangGuard);
        try
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(guard.Token);
            Task<string> stderr = process.StandardError.ReadToEndAsync(guard.Token);
            await process.WaitForExitAsync(guard.Token);

            Assert.Equal(DaemonCli.ExitConfigError, process.ExitCode);
            Assert.Equal(string.Empty, await stdout); // an agent host reading frames sees nothing that is not one
            Assert.Contains("mcp_integration.yaml", await stderr, StringComparison.Ordinal);
            Assert.Contains("'get_weather' is not a known tool", await stderr, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    private static async Task Send(Process process, string frame)
    {
        await process.StandardInput.WriteLineAsync(frame);
        await process.StandardInput.FlushAsync();
    }

    private static string Tail(List<string> lines, int count = 30)
    {
        lock (lines)
        {
            return string.Join(Environment.NewLine, lines.TakeLast(count));
        }
    }
}
