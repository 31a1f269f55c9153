using System.Diagnostics;
using System.Text.Json;

namespace Orchestrator.Daemon.Tests;

/// <summary>The real executable, started as a user would start it.</summary>
public sealed class DaemonProcessTests
{
    private static string DaemonDll => Path.Combine(AppContext.BaseDirectory, "orchestrator.dll");

    internal static (int ExitCode, string Output) Run(string workDir, params string[] args) => Run(workDir, new Dictionary<string, string>(), args);

    internal static (int ExitCode, string Output) Run(string workDir, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(DaemonDll);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(120)), "the daemon did not exit");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    [Fact]
    public void Run_ForADuration_ExitsCleanly_LogsTheSixSteps_AndWritesTheReport()
    {
        string dir = Directory.CreateTempSubdirectory("orc-run-").FullName;
        try
        {
            (int exit, string output) = Run(dir, "run", "--duration", "3s", "--report", "out.json", "--ticks-per-second", "500");

            Assert.Equal(0, exit);
            for (int step = 1; step <= 6; step++)
            {
                Assert.Contains($"[INFO] Step {step}/6:", output, StringComparison.Ordinal);
            }

            Assert.Contains("Shutdown: engine Drained", output, StringComparison.Ordinal);
            using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "out.json")));
            Assert.True(report.RootElement.GetProperty("ticks").GetInt64() > 0);
            Assert.True(File.Exists(Path.Combine(dir, "logs", "orchestrator.jsonl")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Run_WithABadDuration_ExitsWithCode2AndSaysWhy()
    {
        string dir = Directory.CreateTempSubdirectory("orc-bad-").FullName;
        try
        {
            (int exit, string output) = Run(dir, "run", "--duration", "soon");
            Assert.Equal(2, exit);
            Assert.Contains("--duration: expected a duration such as 30s", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Run_WithAReplayFile_EndsWhenTheFileEnds()
    {
        string dir = Directory.CreateTempSubdirectory("orc-replay-").FullName;
        try
        {
            var lines = new List<string> { "timestamp,symbol,price,size" };
            for (int i = 0; i < 500; i++)
            {
                lines.Add($"{1_735_828_200_000_000_000L + (i * 1_000_000_000L)},MSFT,{420 + (i % 7)}.25,100");
            }

            File.WriteAllLines(Path.Combine(dir, "ticks.csv"), lines);
            (int exit, string output) = Run(dir, "run", "--data", "ticks.csv", "--ticks-per-second", "5000", "--report", "out.json");

            Assert.Equal(0, exit);
            Assert.Contains("Market data feed ended", output, StringComparison.Ordinal);
            using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "out.json")));
            Assert.Equal(500, report.RootElement.GetProperty("ticks").GetInt64());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Run_WithAMissingReplayFile_ExitsWithCode2()
    {
        string dir = Directory.CreateTempSubdirectory("orc-missing-").FullName;
        try
        {
            (int exit, string output) = Run(dir, "run", "--data", "nope.csv");
            Assert.Equal(2, exit);
            Assert.Contains("--data: file 'nope.csv' does not exist", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Run_WithInvalidConfiguration_StopsBeforeConnecting_WithCode2()
    {
        string dir = Directory.CreateTempSubdirectory("orc-badcfg-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "config"));
            File.WriteAllText(Path.Combine(dir, "config", "risk_management.yaml"), "max_daily_loss: 3\n");
            (int exit, string output) = Run(dir, "run", "--duration", "5s");

            Assert.Equal(2, exit);
            Assert.Contains("risk_management.yaml:1:17: max_daily_loss: must be between 0 and 1, got 3", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Step 3/6", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Run_WithCanarySecrets_NeverWritesThemAnywhere()
    {
        string dir = Directory.CreateTempSubdirectory("orc-canary-").FullName;
        try
        {
            string config = Path.Combine(dir, "config");
            Directory.CreateDirectory(config);
            File.WriteAllText(Path.Combine(config, "api_credentials.yaml"),
                "kis: { app_key: CANARY-FILE-KIS-KEY, app_secret: CANARY-FILE-KIS-SECRET }\nllm: { api_key: CANARY-FILE-LLM }\nmcp: { token: CANARY-FILE-MCP }\ngateway: { token: CANARY-FILE-GATEWAY }\n");
            File.WriteAllText(Path.Combine(config, "daemon.yaml"), "gateway:\n  auth: true\n");
            File.WriteAllText(Path.Combine(config, "myStockInfo.yaml"),
                "TRADING_MODE: VIRTUAL\nVIRTUAL_APP_KEY: CANARY-MYSTOCK-KEY\nVIRTUAL_APP_SECRET: CANARY-MYSTOCK-SECRET\nwatch_list: [AAPL, MSFT]\n");
            var environment = new Dictionary<string, string>
            {
                ["ORCHESTRATOR_API_TOKEN"] = "CANARY-ENV-TOKEN",
                ["ORCHESTRATOR_ALPACA_SECRET_KEY"] = "CANARY-ENV-ALPACA",
                ["ORCHESTRATOR_MCP_TOKEN"] = "CANARY-ENV-MCP",
                ["ORCHESTRATOR_GATEWAY_TOKEN"] = "CANARY-ENV-GATEWAY",
            };

            // with the MCP server over HTTP and the signal gateway with auth too: their start-up lines name where the tokens came from
            (int exit, string output) = Run(dir, environment, "run", "--duration", "2s", "--report", "out.json", "--ticks-per-second", "500", "--mcp-port", "0", "--gateway-port", "0");

            Assert.Equal(0, exit);
            var everything = new System.Text.StringBuilder(output);
            foreach (string file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            {
                if (!file.StartsWith(config, StringComparison.Ordinal))
                {
                    everything.Append(File.ReadAllText(file));
                }
            }

            Assert.True(everything.Length > 1000, "the run must have written something to search");
            Assert.Contains("MCP server (streamable HTTP) listening on", everything.ToString(), StringComparison.Ordinal);
            Assert.Contains("Signal gateway listening on", everything.ToString(), StringComparison.Ordinal);
            Assert.Contains("auth on", everything.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("CANARY", everything.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Sigterm_ShutsDownGracefully_AndStillWritesTheReport()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string dir = Directory.CreateTempSubdirectory("orc-sigterm-").FullName;
        try
        {
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string arg in new[] { DaemonDll, "run", "--report", "out.json", "--ticks-per-second", "500" })
            {
                start.ArgumentList.Add(arg);
            }

            using Process process = Process.Start(start)!;
            var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
            using var running = new ManualResetEventSlim();
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }

                output.Enqueue(e.Data);
                if (e.Data.Contains("Step 6/6", StringComparison.Ordinal))
                {
                    running.Set();
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            Assert.True(running.Wait(TimeSpan.FromSeconds(60)), "the daemon did not start");

            using (Process kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                kill.WaitForExit();
            }

            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the daemon did not stop on SIGTERM");
            process.WaitForExit(); // flush the asynchronous output readers
            Assert.Equal(0, process.ExitCode);
            Assert.Contains(output, line => line.Contains("Shutdown: engine Drained", StringComparison.Ordinal));
            Assert.True(File.Exists(Path.Combine(dir, "out.json")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
