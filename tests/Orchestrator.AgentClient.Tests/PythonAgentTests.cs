using System.Diagnostics;
using System.Text.RegularExpressions;
using Orchestrator.Daemon.Tests;

namespace Orchestrator.AgentClient.Tests;

/// <summary>The Python client and its example agent (real python3 processes) against the real daemon (a child process).</summary>
public sealed partial class PythonAgentTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);

    internal static string RepoRoot()
    {
        DirectoryInfo? dir = new(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Orchestrator.LowLatency.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("no repository root above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task PythonModuleAndExamples_Compile()
    {
        string python = Path.Combine(RepoRoot(), "tools", "python");
        string[] files = [Path.Combine(python, "orchestrator_agent.py"), .. Directory.GetFiles(Path.Combine(python, "examples"), "*.py")];
        var start = new ProcessStartInfo("python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        foreach (string arg in (string[])["-c", "import ast, sys\nfor f in sys.argv[1:]: ast.parse(open(f).read(), f)", .. files])
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        string errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, errors);
    }

    [Fact]
    public async Task SmaAgent_AgainstTheDaemon_TradesOnItsBars_ItsFillsArrive_AndSigtermEndsItWithExit0()
    {
        string dir = Directory.CreateTempSubdirectory("orc-py-agent-").FullName;
        try
        {
            (DaemonProcess daemonProcess, string port) = await StartDaemonAsync(dir, "--ticks-per-second", "500");
            using DaemonProcess daemon = daemonProcess;

            using var agent = PythonAgentProcess.Start(
                Path.Combine(RepoRoot(), "tools", "python", "examples", "sma_agent.py"),
                ["--symbols", "AAPL", "--fast", "2", "--slow", "3", "--quantity", "5"],
                new Dictionary<string, string> { ["ORCHESTRATOR_GATEWAY"] = "127.0.0.1:" + port, ["ORCHESTRATOR_AGENT_NAME"] = "py_sma" });

            // It is welcomed under the name from the environment, gets 1-minute bars with its averages, ...
            Assert.True(await agent.WaitForLineAsync(l => l.Contains("connected: py_sma", StringComparison.Ordinal), s_hang), agent.Tail() + "\n--- daemon\n" + daemon.Tail());
            Assert.True(await agent.WaitForLineAsync(l => BarPattern().IsMatch(l), s_hang), agent.Tail());

            // ... signals on a crossover, the engine orders it on the paper venue, and the fill and the position come back.
            Assert.True(await agent.WaitForLineAsync(l => l.Contains(" ordered ", StringComparison.Ordinal), s_hang), agent.Tail() + "\n--- daemon\n" + daemon.Tail());
            Assert.True(await agent.WaitForLineAsync(l => FillPattern().IsMatch(l), s_hang), agent.Tail() + "\n--- daemon\n" + daemon.Tail());
            Assert.True(await agent.WaitForLineAsync(l => l.Contains("position AAPL ", StringComparison.Ordinal), s_hang), agent.Tail());
            Match fill = FillPattern().Match(agent.Lines.First(l => FillPattern().IsMatch(l)));
            Assert.Equal("1", fill.Groups["seq"].Value); // this agent's first fill of the daemon's run
            string signalId = fill.Groups["signal"].Value;
            Assert.StartsWith("py_sma-", signalId, StringComparison.Ordinal); // attributed to the signal it sent
            Assert.Contains(agent.Lines, l => l.Contains("signal " + signalId + " ordered " + fill.Groups["order"].Value, StringComparison.Ordinal));

            Assert.True(await agent.TerminateAsync(s_hang), agent.Tail());
            Assert.Equal(0, agent.ExitCode);
            Assert.Contains(agent.Lines, l => l.Contains("stopping on SIGTERM", StringComparison.Ordinal));
            Assert.DoesNotContain(agent.Lines, l => l.Contains("Traceback", StringComparison.Ordinal));
            Assert.True(await daemon.TerminateAsync(s_hang), daemon.Tail());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task SmaAgent_WithAnUnknownSymbol_IsRefusedByTheDaemon_AndExits2NamingTheField()
    {
        string dir = Directory.CreateTempSubdirectory("orc-py-agent-bad-").FullName;
        try
        {
            (DaemonProcess daemonProcess, string port) = await StartDaemonAsync(dir);
            using DaemonProcess daemon = daemonProcess;

            using var agent = PythonAgentProcess.Start(
                Path.Combine(RepoRoot(), "tools", "python", "examples", "sma_agent.py"),
                ["--symbols", "NOPE"],
                new Dictionary<string, string> { ["ORCHESTRATOR_GATEWAY"] = "127.0.0.1:" + port });
            Assert.True(await agent.WaitForExitAsync(s_hang), agent.Tail());
            Assert.Equal(2, agent.ExitCode);
            Assert.Contains(agent.Lines, l => l.Contains("the daemon refused the hello: hello.symbols", StringComparison.Ordinal) && l.Contains("NOPE", StringComparison.Ordinal));
            Assert.True(await daemon.TerminateAsync(s_hang), daemon.Tail());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The daemon with its gateway on an ephemeral port, once it listens; and that port.</summary>
    private static async Task<(DaemonProcess Daemon, string Port)> StartDaemonAsync(string dir, params string[] extra)
    {
        var daemon = DaemonProcess.Start(dir, Path.Combine(dir, "console.txt"), ["run", "--gateway-port", "0", "--headless", "--log-dir", Path.Combine(dir, "logs"), .. extra]);
        string? listening = await daemon.WaitForLineAsync(l => l.Contains("Signal gateway listening on 127.0.0.1:", StringComparison.Ordinal), s_hang);
        if (listening is null)
        {
            string tail = daemon.Tail();
            daemon.Dispose();
            Assert.Fail("the daemon's gateway did not start:\n" + tail);
        }

        return (daemon, PortPattern().Match(listening).Groups[1].Value);
    }

    [GeneratedRegex(@"127\.0\.0\.1:(\d+)")]
    private static partial Regex PortPattern();

    [GeneratedRegex(@"bar AAPL 1m close \d+(\.\d+)? sma ")]
    private static partial Regex BarPattern();

    [GeneratedRegex(@"fill (?<seq>\d+) (BUY|SELL) \d+ AAPL @ \d+(\.\d+)? \(order (?<order>\S+), signal (?<signal>[^,)]+)")]
    private static partial Regex FillPattern();
}
