using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Daemon.Tests.Logging;

namespace Orchestrator.Daemon.Tests;

/// <summary>The signal gateway in the real daemon: <c>run --gateway-port 0</c>, a raw socket, the Python client and the README's shell one-liner.</summary>
public sealed partial class GatewayDaemonTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Run_WithTheGatewayPortTaken_StopsWithAClearLine_NotAStackTrace()
    {
        string dir = Directory.CreateTempSubdirectory("orc-gateway-busy-").FullName;
        using var taken = new TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            int port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
            using var daemon = DaemonProcess.Start(dir, Path.Combine(dir, "console.txt"), ["run", "--gateway-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--headless", "--duration", "30s", "--log-dir", Path.Combine(dir, "logs")]);
            string? line = await daemon.WaitForLineAsync(l => l.Contains("The daemon did not start:", StringComparison.Ordinal), s_hang);
            Assert.True(line is not null, daemon.Tail());
            Assert.Contains($"the signal gateway's port 127.0.0.1:{port} is already in use; choose another with daemon.yaml gateway.port or --gateway-port", line, StringComparison.Ordinal);
            using var guard = new CancellationTokenSource(s_hang);
            while (!daemon.HasExited)
            {
                await Task.Delay(20, guard.Token); // condition wait: the process ends by itself
            }

            Assert.Equal(DaemonCli.ExitFault, daemon.ExitCode);
            Assert.DoesNotContain(daemon.Lines, l => l.Contains("at Orchestrator.", StringComparison.Ordinal)); // no stack trace for an operator's mistake
        }
        finally
        {
            taken.Stop();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Run_WithGatewayPort_AcceptsASignal_AnswersAckAndOutcome_ForSocketPythonClientAndShellOneLiner()
    {
        string dir = Directory.CreateTempSubdirectory("orc-gateway-").FullName;
        try
        {
            using var daemon = DaemonProcess.Start(dir, Path.Combine(dir, "console.txt"), ["run", "--gateway-port", "0", "--headless", "--ticks-per-second", "200", "--log-dir", Path.Combine(dir, "logs")]);
            string? listening = await daemon.WaitForLineAsync(l => l.Contains("Signal gateway listening on 127.0.0.1:", StringComparison.Ordinal), s_hang);
            Assert.True(listening is not null, daemon.Tail());
            Assert.Contains("(auth off;", listening, StringComparison.Ordinal);
            int port = int.Parse(PortPattern().Match(listening).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.NotNull(await daemon.WaitForLineAsync(l => l.Contains("Step 6/6", StringComparison.Ordinal), s_hang));

            // A raw socket: the immediate ack, then the outcome of the same sequence.
            using (var tcp = new TcpClient())
            {
                using var guard = new CancellationTokenSource(s_hang);
                await tcp.ConnectAsync("127.0.0.1", port, guard.Token);
                NetworkStream stream = tcp.GetStream();
                await stream.WriteAsync(Encoding.UTF8.GetBytes("{\"id\":\"d1\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9,\"reason\":\"daemon test\"}\n"), guard.Token);
                using var reader = new StreamReader(stream);
                JsonElement ack = JsonDocument.Parse((await reader.ReadLineAsync(guard.Token))!).RootElement;
                JsonElement outcome = JsonDocument.Parse((await reader.ReadLineAsync(guard.Token))!).RootElement;
                Assert.Equal("accepted", ack.GetProperty("status").GetString());
                Assert.Equal("d1", ack.GetProperty("id").GetString());
                Assert.Equal(ack.GetProperty("seq").GetInt64(), outcome.GetProperty("seq").GetInt64());
                Assert.Contains(outcome.GetProperty("status").GetString(), new[] { "ordered", "risk_rejected", "no_order" });
            }

            // tools/send_signal.py (python3 stdlib).
            (int pyExit, string pyOut) = await RunAsync("python3", [Path.Combine(LoggingSetupTests.RepoRoot(), "tools", "send_signal.py"), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "{\"symbol\":\"MSFT\",\"side\":\"SELL\",\"confidence\":0.7,\"id\":\"py1\"}", "{\"symbol\":\"NOPE\",\"side\":\"BUY\",\"confidence\":0.5,\"id\":\"py2\"}"]);
            Assert.Equal(1, pyExit); // one line refused
            Assert.Contains("{\"id\":\"py1\",\"status\":\"accepted\",\"seq\":", pyOut, StringComparison.Ordinal);
            Assert.Contains("{\"id\":\"py2\",\"status\":\"rejected\",\"error\":\"symbol: not traded here\"}", pyOut, StringComparison.Ordinal);
            Assert.Matches("\"id\":\"py1\",\"seq\":\\d+,\"status\":\"(ordered|risk_rejected|no_order)\"", pyOut);

            // The README's one-liner: bash's /dev/tcp, no nc.
            string oneLiner = ReadmeOneLiner().Replace("7400", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            (int shExit, string shOut) = await RunAsync("bash", ["-c", oneLiner]);
            Assert.Equal(0, shExit);
            Assert.Contains("\"status\":\"accepted\"", shOut, StringComparison.Ordinal);
            Assert.Matches("\"seq\":\\d+,\"status\":\"(ordered|risk_rejected|no_order)\"", shOut);

            Assert.True(await daemon.TerminateAsync(s_hang), daemon.Tail());
            Assert.Contains(daemon.Lines, l => l.Contains("Signal gateway stopped: 3 signals accepted, 1 lines refused", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Config_AgentProtocolKeys_AreReadAndValidated_WithFileAndKey()
    {
        string dir = Directory.CreateTempSubdirectory("orc-gateway-agents-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, ConfigLoader.DaemonFile), "gateway:\n  enabled: true\n  heartbeat_interval: 10ms\n  agent_queue_size: 1000\n  agent_log_size: 1024\n  market_data_ring_size: 3000\n");
            (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = ConfigLoader.Load(dir, _ => null);
            Assert.Null(config);
            string all = string.Join("\n", errors.Select(e => e.ToString()));
            Assert.Contains("gateway.heartbeat_interval: must be between", all, StringComparison.Ordinal);
            Assert.Contains("gateway.agent_queue_size: must be a power of two", all, StringComparison.Ordinal);
            Assert.Contains("gateway.agent_log_size: must be at least twice agent_queue_size", all, StringComparison.Ordinal);
            Assert.Contains("gateway.market_data_ring_size: must be a power of two", all, StringComparison.Ordinal);
            Assert.All(errors, e => Assert.Contains(ConfigLoader.DaemonFile, e.ToString(), StringComparison.Ordinal));

            File.WriteAllText(Path.Combine(dir, ConfigLoader.DaemonFile), "gateway:\n  enabled: true\n  heartbeat_interval: 2s\n  agent_queue_size: 256\n  agent_log_size: 1024\n  market_data_ring_size: 4096\n");
            (config, errors) = ConfigLoader.Load(dir, _ => null);
            Assert.Empty(errors);
            Adapters.SignalGateway.GatewayOptions options = DaemonCli.GatewayOptionsFor(config!, portOverride: null)!;
            Assert.Equal(TimeSpan.FromSeconds(2), options.HeartbeatInterval);
            Assert.Equal(256, options.AgentQueueSize);
            Assert.Equal(1024, options.AgentLogSize);
            Assert.Equal(4096, options.MarketDataRingSize);
            Assert.Empty(options.Validate());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Config_GatewaySection_IsReadAndValidated_WithFileAndKey()
    {
        string dir = Directory.CreateTempSubdirectory("orc-gateway-config-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, ConfigLoader.DaemonFile), "gateway:\n  enabled: true\n  port: 7411\n  auth: true\n  max_in_flight: 1000\n  colour: blue\n  auth_timeout: 0s\n  idle_timeout: soon\n");
            (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = ConfigLoader.Load(dir, _ => null);
            Assert.Null(config);
            string all = string.Join("\n", errors.Select(e => e.ToString()));
            Assert.Contains("gateway.max_in_flight", all, StringComparison.Ordinal);
            Assert.Contains("power of two", all, StringComparison.Ordinal);
            Assert.Contains("gateway.colour", all, StringComparison.Ordinal);
            Assert.Contains("gateway.auth_timeout: must be between", all, StringComparison.Ordinal);
            Assert.Contains("gateway.idle_timeout: must be a duration", all, StringComparison.Ordinal);
            Assert.Contains("gateway.auth", all, StringComparison.Ordinal); // no token anywhere
            Assert.All(errors, e => Assert.Contains(ConfigLoader.DaemonFile, e.ToString(), StringComparison.Ordinal));

            File.WriteAllText(Path.Combine(dir, ConfigLoader.DaemonFile), "gateway:\n  enabled: true\n  port: 7411\n  auth: true\n  max_in_flight: 512\n  auth_timeout: 3s\n  idle_timeout: 2m\n");
            (config, errors) = ConfigLoader.Load(dir, name => name == "ORCHESTRATOR_GATEWAY_TOKEN" ? "tok-from-env" : null);
            Assert.Empty(errors);
            Adapters.SignalGateway.GatewayOptions options = DaemonCli.GatewayOptionsFor(config!, portOverride: null)!;
            Assert.Equal(7411, options.Port);
            Assert.Equal(512, options.MaxInFlight);
            Assert.Equal(TimeSpan.FromSeconds(3), options.AuthTimeout);
            Assert.Equal(TimeSpan.FromMinutes(2), options.IdleTimeout);
            Assert.Equal("tok-from-env", options.AuthToken);
            Assert.Equal(9000, DaemonCli.GatewayOptionsFor(config! with { Daemon = config!.Daemon with { Gateway = new GatewaySettings() } }, 9000)!.Port); // --gateway-port enables it
            Assert.Null(DaemonCli.GatewayOptionsFor(config with { Daemon = config.Daemon with { Gateway = new GatewaySettings() } }, null)); // off by default
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Session_WithGateway_ShowsItAsAHealthComponent_AndStopsItFirst()
    {
        using var guard = new CancellationTokenSource(s_hang);
        SessionOptions options = DaemonCli.BuildOptions(7, 1_000, Engine.Ring.WaitStrategyKind.Blocking) with { Gateway = new Adapters.SignalGateway.GatewayOptions { Port = 0 } };
        using var session = new TradingSession(options);
        session.Start("test");
        Assert.NotNull(session.SignalGateway);
        Assert.NotEqual(0, session.SignalGateway.Port);

        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", session.SignalGateway.Port, guard.Token);
            using var reader = new StreamReader(tcp.GetStream());
            await tcp.GetStream().WriteAsync(Encoding.UTF8.GetBytes("{\"id\":\"h1\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9}\n"), guard.Token);
            Assert.Contains("\"status\":\"accepted\"", await reader.ReadLineAsync(guard.Token), StringComparison.Ordinal);
            Assert.Contains("\"seq\":", await reader.ReadLineAsync(guard.Token), StringComparison.Ordinal); // the outcome
            await tcp.GetStream().WriteAsync(Encoding.UTF8.GetBytes("{\"id\":\"h2\",\"symbol\":\"NOPE\",\"side\":\"BUY\",\"confidence\":0.9}\n"), guard.Token);
            Assert.Contains("\"status\":\"rejected\"", await reader.ReadLineAsync(guard.Token), StringComparison.Ordinal);
        }

        using (var metrics = new Daemon.Metrics.OrchestratorMetrics(session))
        using (var exporter = new Daemon.Metrics.PrometheusExporter(metrics.Meters))
        {
            var text = Tests.Metrics.PrometheusText.Parse(exporter.Scrape());
            Assert.Equal(1, text.Value("orchestrator_gateway_accepted_total"));
            Assert.Equal(1, text.Value("orchestrator_gateway_rejected_total", ("reason", "symbol_unknown")));
            Assert.Equal(0, text.Value("orchestrator_gateway_rejected_total", ("reason", "malformed_json")));
            Assert.Equal(1, text.Series("orchestrator_gateway_outcomes_total").Sum(s => s.Value));
            Assert.Equal(1, text.Value("orchestrator_gateway_connections_total"));
        }

        Agents.Health.ComponentHealth health = Assert.Single(SessionHealth.CheckNow(session).Components, c => c.Name == SessionHealth.GatewayComponent);
        Assert.Equal(Agents.Health.HealthState.Healthy, health.State);
        Assert.Contains("1 accepted, 1 refused", health.Detail, StringComparison.Ordinal);
        session.Stop();
        Assert.Equal(0, session.SignalGateway.Counters.ActiveConnections);
        using var late = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(async () => await late.ConnectAsync("127.0.0.1", session.SignalGateway.Port, guard.Token)); // no longer listening
    }

    /// <summary>The README's "Send a signal from a shell" command (the line after its marker).</summary>
    private static string ReadmeOneLiner()
    {
        string[] lines = File.ReadAllLines(Path.Combine(LoggingSetupTests.RepoRoot(), "README.md"));
        int marker = Array.FindIndex(lines, l => l.Contains("<!-- gateway-one-liner -->", StringComparison.Ordinal));
        Assert.True(marker >= 0, "README has no gateway one-liner marker");
        return lines.Skip(marker + 1).First(l => l.Contains("/dev/tcp/", StringComparison.Ordinal)).Trim();
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(s_hang);
        await process.WaitForExitAsync(guard.Token);
        return (process.ExitCode, await output + await error);
    }

    [GeneratedRegex(@"127\.0\.0\.1:(\d+)")]
    private static partial Regex PortPattern();
}
