using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Orchestrator.Daemon.Tests.Logging;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// Bad input and first-run mistakes against the real daemon process (issue 15 items 13, 17, 18, 19,
/// 26, 28): each is one clear line — exit 2 at start-up, a 400 with a JSON error at run time — never
/// a stack trace, an abort or a silent run.
/// </summary>
public sealed partial class BadInputDaemonTests : IDisposable
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);

    /// <summary>An edit of the committed risk file's shape with an unclosed flow sequence above more keys (YamlDotNet's scanner throws InvalidOperationException on it).</summary>
    private const string UnclosedFlowSequence = "kill_switch: false\nmax_daily_loss: [0.02\nmin_confidence: 0.6\nsizing:\n  method: fixed_fraction\n";

    private readonly string _dir = Directory.CreateTempSubdirectory("orc-badinput-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Config(params (string File, string Text)[] files)
    {
        string config = Directory.CreateDirectory(Path.Combine(_dir, "config")).FullName;
        foreach ((string file, string text) in files)
        {
            File.WriteAllText(Path.Combine(config, file), text);
        }

        return config;
    }

    private static void AssertOneClearLine(string output, string expected)
    {
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // no stack trace
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Step 3/6", output, StringComparison.Ordinal); // stopped before connecting
    }

    /// <summary>check-config and a run on the same directory: both exit 2 with the line.</summary>
    private void AssertConfigErrorAtCheckAndRun(string config, string expected)
    {
        (int checkExit, string checkOutput) = DaemonProcessTests.Run(_dir, "check-config", "--config", config);
        Assert.True(checkExit == 2, checkOutput);
        AssertOneClearLine(checkOutput, expected);

        (int runExit, string runOutput) = DaemonProcessTests.Run(_dir, "run", "--config", config, "--duration", "5s", "--headless", "--log-dir", Path.Combine(_dir, "logs"));
        Assert.True(runExit == 2, runOutput);
        AssertOneClearLine(runOutput, expected);
    }

    [Fact]
    public async Task RiskFileSavedWithAnUnclosedFlowSequence_IsRejected_TheDaemonKeepsRunning_AndPutAnswers400Naming()
    {
        string config = Config(("risk_management.yaml", "kill_switch: false\nmax_daily_loss: 0.02\nmin_confidence: 0.6\n"));
        using DaemonProcess daemon = DaemonProcess.Start(_dir, Path.Combine(_dir, "console.txt"),
            ["run", "--config", config, "--http-port", "0", "--headless", "--log-dir", Path.Combine(_dir, "logs")],
            new Dictionary<string, string> { ["ORCHESTRATOR_API_TOKEN"] = "item13-token" });
        string? listening = await daemon.WaitForLineAsync(l => l.Contains("Control API listening on ", StringComparison.Ordinal), s_hang);
        Assert.True(listening is not null, daemon.Tail());
        Assert.NotNull(await daemon.WaitForLineAsync(l => l.Contains("Step 6/6", StringComparison.Ordinal), s_hang));

        int before = daemon.LineCount;
        File.WriteAllText(Path.Combine(config, "risk_management.yaml"), UnclosedFlowSequence);
        string? rejected = await daemon.WaitForLineAsync(l => l.Contains("Configuration change rejected", StringComparison.Ordinal), s_hang, before);
        Assert.True(rejected is not null, daemon.Tail());
        Assert.Contains("risk_management.yaml:2:17: max_daily_loss: malformed YAML", rejected, StringComparison.Ordinal);

        using var http = new HttpClient { BaseAddress = new Uri(BaseAddressPattern().Match(listening).Groups[1].Value) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "item13-token");
        using HttpResponseMessage put = await http.PutAsync(new Uri("/api/risk", UriKind.Relative), new StringContent(UnclosedFlowSequence, Encoding.UTF8, "application/json"));
        string body = await put.Content.ReadAsStringAsync();
        Assert.True(put.StatusCode == HttpStatusCode.BadRequest, $"{put.StatusCode}: {body}");
        string error = JsonDocument.Parse(body).RootElement.GetProperty("errors")[0].GetString()!;
        Assert.Contains("max_daily_loss: malformed JSON", error, StringComparison.Ordinal);

        // Still alive, and the watcher still works: a valid edit is applied.
        int afterBad = daemon.LineCount;
        File.WriteAllText(Path.Combine(config, "risk_management.yaml"), "kill_switch: false\nmax_daily_loss: 0.03\nmin_confidence: 0.6\n");
        Assert.True(await daemon.WaitForLineAsync(l => l.Contains("risk parameters version", StringComparison.Ordinal), s_hang, afterBad) is not null, daemon.Tail());
        Assert.True(await daemon.TerminateAsync(s_hang), "the daemon did not stop on SIGTERM");
        Assert.Equal(DaemonCli.ExitOk, daemon.ExitCode);
    }

    [Fact]
    public void MalformedNLogConfig_IsAConfigError_AtCheckConfigAndRun()
    {
        string committed = File.ReadAllText(Path.Combine(LoggingSetupTests.RepoRoot(), "config", "NLog.config"));
        string config = Config(("NLog.config", committed[..(committed.Length / 2)])); // cut mid-file, as a failed save leaves it

        AssertConfigErrorAtCheckAndRun(config, Path.Combine(config, "NLog.config") + ": is not a usable NLog configuration");
    }

    [Fact]
    public void NLogConfigNamingAnUnknownTarget_IsAConfigError()
    {
        string committed = File.ReadAllText(Path.Combine(LoggingSetupTests.RepoRoot(), "config", "NLog.config"));
        string broken = committed.Replace("xsi:type=\"OrchestratorConsole\"", "xsi:type=\"OrchestratorConsolle\"", StringComparison.Ordinal);
        Assert.NotEqual(committed, broken); // the shipped file still has the target this breaks
        string config = Config(("NLog.config", broken));

        (int exit, string output) = DaemonProcessTests.Run(_dir, "check-config", "--config", config);

        Assert.True(exit == 2, output);
        AssertOneClearLine(output, "NLog.config: is not a usable NLog configuration");
        Assert.Contains("OrchestratorConsolle", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigFileThatCannotBeRead_IsAConfigError_NotAStackTrace()
    {
        // Tests run as root, for whom permissions do not stop a read: a directory where the file belongs
        // fails the same read path (and File.Exists alone would have taken it for "no file": defaults).
        string config = Config();
        Directory.CreateDirectory(Path.Combine(config, "risk_management.yaml"));

        AssertConfigErrorAtCheckAndRun(config, Path.Combine(config, "risk_management.yaml") + ": is a directory");
    }

    [Fact]
    public void MissingConfigDirectory_IsAnError_NotARunOnDefaults()
    {
        string missing = Path.Combine(_dir, "no-such-config");

        AssertConfigErrorAtCheckAndRun(missing, missing + ": the configuration directory does not exist");
    }

    [Fact]
    public void BacktestAndRun_WithADataFileOfAnUnknownKind_SayWhatIsExpected_WithCode2()
    {
        File.WriteAllText(Path.Combine(_dir, "x.txt"), "timestamp,symbol,price,size\n1735828200000000000,MSFT,420.25,100\n");

        (int backtestExit, string backtestOutput) = DaemonProcessTests.Run(_dir, "backtest", "--data", "x.txt");
        Assert.True(backtestExit == 2, backtestOutput);
        AssertOneClearLine(backtestOutput, "--data: 'x.txt': unsupported extension '.txt' (expected .csv, .jsonl or .ndjson)");

        (int runExit, string runOutput) = DaemonProcessTests.Run(_dir, "run", "--data", "x.txt", "--duration", "5s", "--headless");
        Assert.True(runExit == 2, runOutput);
        AssertOneClearLine(runOutput, "--data: 'x.txt': unsupported extension '.txt'");
    }

    [Fact]
    public void CorruptJournal_StopsTheStart_WithCode2AndOneLine()
    {
        string journal = Path.Combine(_dir, "journal");
        (int firstExit, string firstOutput) = DaemonProcessTests.Run(_dir, "run", "--journal", journal, "--duration", "2s", "--ticks-per-second", "500", "--headless");
        Assert.True(firstExit == 0, firstOutput);
        string segment = Orchestrator.Engine.Journal.JournalReader.ListSegments(journal)[0];
        using (var file = new FileStream(segment, FileMode.Open, FileAccess.Write))
        {
            file.Write("NOTAJRNL"u8); // the segment's magic, overwritten: damage, not a torn tail
        }

        (int exit, string output) = DaemonProcessTests.Run(_dir, "run", "--journal", journal, "--duration", "5s", "--headless");

        Assert.True(exit == 2, output);
        Assert.Contains("The daemon did not start: ", output, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(segment), output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.True(File.Exists(segment), "the evidence is kept");
    }

    [Fact]
    public void BadStartingCashFile_StopsTheStart_WithCode2AndOneLine()
    {
        string journal = Directory.CreateDirectory(Path.Combine(_dir, "journal")).FullName;
        File.WriteAllText(Path.Combine(journal, "starting-cash"), "lots\n");

        (int exit, string output) = DaemonProcessTests.Run(_dir, "run", "--journal", journal, "--duration", "5s", "--headless");

        Assert.True(exit == 2, output);
        AssertOneClearLine(output, "The daemon did not start: " + Path.Combine(journal, "starting-cash") + ": expected the journal's starting cash, got 'lots'");
    }

    [Fact]
    public void LlmStrategyAgentWithoutAModel_IsAConfigError_BeforeAnythingConnects()
    {
        string config = Config(("daemon.yaml", "agents:\n  strategy_agent:\n    mode: llm\n"));

        AssertConfigErrorAtCheckAndRun(config, Path.Combine(config, "daemon.yaml") + ": agents.strategy_agent.mode: is llm, but agent_model.yaml has no strategy_agent entry");
    }

    [Fact]
    public void LlmStrategyAgentWithAnFtpEndpoint_IsAConfigError_NamingTheKey()
    {
        string config = Config(
            ("daemon.yaml", "agents:\n  strategy_agent:\n    mode: llm\n"),
            ("agent_model.yaml", "agents:\n  strategy_agent:\n    provider: openai_compatible\n    model: m\n    endpoint: ftp://models.example.com/v1\n"));

        AssertConfigErrorAtCheckAndRun(config, Path.Combine(config, "agent_model.yaml") + ":5:15: agents.strategy_agent.endpoint: must be an absolute http or https URL");
    }

    [Fact]
    public void TheCommittedConfiguration_WithTheCredentialsExampleCopiedAsTheReadmeSays_StartsAsItIs()
    {
        string config = Directory.CreateDirectory(Path.Combine(_dir, "config")).FullName;
        foreach (string file in Directory.GetFiles(Path.Combine(LoggingSetupTests.RepoRoot(), "config")))
        {
            File.Copy(file, Path.Combine(config, Path.GetFileName(file)));
        }

        string credentials = Path.Combine(config, "api_credentials.yaml");
        File.Copy(Path.Combine(config, "api_credentials.example.yaml"), credentials);
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(credentials, UnixFileMode.UserRead | UnixFileMode.UserWrite); // chmod 600, as the README says
        }

        (int checkExit, string checkOutput) = DaemonProcessTests.Run(_dir, "check-config", "--config", config);
        Assert.True(checkExit == 0, checkOutput);
        Assert.Contains("configuration OK", checkOutput, StringComparison.Ordinal);

        (int runExit, string runOutput) = DaemonProcessTests.Run(_dir, "run", "--config", config, "--duration", "2s", "--headless", "--log-dir", Path.Combine(_dir, "logs"));
        Assert.True(runExit == 0, runOutput);
        Assert.Contains("Step 6/6", runOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KisTokenEndpointAnswering404_SaysWhichEndpointAnsweredWhat_NotThatTheKeysWereRefused()
    {
        await using KisSimulator simulator = await KisSimulator.StartAsync(); // for the configuration's shape only
        using var other = new HttpListener(); // something else on the address the configuration names
        int port = FreePort();
        other.Prefixes.Add($"http://127.0.0.1:{port}/");
        other.Start();
        _ = AnswerNotFoundAsync(other);
        string config = CrashRecoveryTests.WriteConfig(_dir, simulator);
        string broker = Path.Combine(config, "broker_config.yaml");
        File.WriteAllText(broker, File.ReadAllText(broker).Replace(simulator.BaseAddress.Authority, $"127.0.0.1:{port}", StringComparison.Ordinal));

        (int exit, string output) = DaemonProcessTests.Run(_dir, "run", "--config", config, "--duration", "5s", "--headless", "--log-dir", Path.Combine(_dir, "logs"));

        Assert.True(exit != 0, output);
        Assert.Contains($"the access token endpoint http://127.0.0.1:{port}/oauth2/tokenP answered HTTP 404 (Not Found) without a KIS error code", output, StringComparison.Ordinal);
        Assert.DoesNotContain("refused our credentials", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulator_WithItsPortTaken_PrintsOneLineAndExitsNonZero()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            string port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
            using DaemonProcess simulator = DaemonProcess.Start(_dir, Path.Combine(_dir, "sim.txt"), ["--venue", "kis", "--port", port], dll: DaemonProcess.SimulatorDll);

            Assert.True(await simulator.WaitForExitAsync(s_hang), "the simulator did not exit");
            Assert.Equal(1, simulator.ExitCode);
            string line = Assert.Single(simulator.Lines);
            Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
            Assert.Contains("address already in use; choose another port with --port", line, StringComparison.Ordinal);
        }
        finally
        {
            taken.Stop();
        }
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Simulator_StopsGracefully_OnSigtermAndSigint(string signal)
    {
        using DaemonProcess simulator = DaemonProcess.Start(_dir, Path.Combine(_dir, "sim.txt"), ["--port", "0", "--alpaca-port", "0"], dll: DaemonProcess.SimulatorDll, defaultSigint: true);
        Assert.True(await simulator.WaitForLineAsync(l => l.Contains("stops it", StringComparison.Ordinal), s_hang) is not null, simulator.Tail());

        using (var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, simulator.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        Assert.True(await simulator.WaitForExitAsync(s_hang), "the simulator ignored SIG" + signal);
        Assert.Equal(0, simulator.ExitCode);
        Assert.Contains("Stopping", simulator.Lines);
    }

    private static async Task AnswerNotFoundAsync(HttpListener listener)
    {
        try
        {
            while (listener.IsListening)
            {
                HttpListenerContext context = await listener.GetContextAsync();
                byte[] body = """{"message":"not found"}"""u8.ToArray();
                context.Response.StatusCode = 404;
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
            // the test is over
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"Control API listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex BaseAddressPattern();
}
