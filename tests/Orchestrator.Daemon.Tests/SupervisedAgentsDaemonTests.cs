using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// daemon.yaml <c>agents.processes</c> in the real daemon, with real agent processes (sh scripts):
/// started after the engine and the gateway, output in the daemon's log under the agent's name, the
/// surfaces (<c>/api/agents</c>, <c>/metrics</c>, <c>/health</c>), restart after SIGKILL, pause after a
/// crash loop and resume, and no agent left behind when the daemon is SIGTERMed.
/// </summary>
public sealed partial class SupervisedAgentsDaemonTests : IDisposable
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);
    private const string ApiToken = "supervised-agents-test-token";
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-supervised-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // a log still being written by a process a failed test left
        }
    }

    private string Script(string name, string body)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, body.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    /// <summary>A configuration directory whose daemon.yaml declares <paramref name="processes"/> (YAML list items, indented 4).</summary>
    private string Config(string processes)
    {
        string config = Path.Combine(_dir, "config");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, ConfigLoader.DaemonFile), "agents:\n  health_interval: 1s\n  processes:\n" + processes);
        return config;
    }

    private async Task<(DaemonProcess Daemon, HttpClient Http)> StartAsync(string config)
    {
        DaemonProcess daemon = DaemonProcess.Start(_dir, Path.Combine(_dir, "console.txt"),
            ["run", "--config", config, "--http-port", "0", "--headless", "--ticks-per-second", "50", "--log-dir", Path.Combine(_dir, "logs")],
            new Dictionary<string, string> { ["ORCHESTRATOR_API_TOKEN"] = ApiToken });
        string? listening = await daemon.WaitForLineAsync(l => l.Contains("Control API listening on ", StringComparison.Ordinal), s_hang);
        Assert.True(listening is not null, daemon.Tail());
        var http = new HttpClient { BaseAddress = new Uri(BaseAddressPattern().Match(listening).Groups[1].Value) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);
        return (daemon, http);
    }

    /// <summary>The <c>process</c> object of <paramref name="name"/> in <c>GET /api/agents</c>.</summary>
    private static async Task<JsonElement> ProcessOfAsync(HttpClient http, string name)
    {
        using JsonDocument doc = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/agents", UriKind.Relative)));
        JsonElement agent = doc.RootElement.EnumerateArray().Single(a => a.GetProperty("name").GetString() == name);
        return agent.GetProperty("process").Clone();
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, DaemonProcess daemon)
    {
        using var guard = new CancellationTokenSource(s_hang);
        while (!await condition())
        {
            Assert.False(guard.IsCancellationRequested || daemon.HasExited, "hang guard: " + what + Environment.NewLine + daemon.Tail());
            await Task.Delay(50, CancellationToken.None); // polling a condition; the guard only stops a hang
        }
    }

    private static bool Alive(int pid) => File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].TrimStart().StartsWith('Z');

    [Fact]
    public async Task Run_StartsTheAgent_LogsItsOutputByName_RestartsItAfterSigkill_ShowsItOnEverySurface_AndLeavesNothingAtSigterm()
    {
        string script = Script("agent.sh", $"""
            #!/bin/sh
            sleep 1000 &
            echo $! > '{_dir}'/child.$$
            printf '%s' "$ORCHESTRATOR_AGENT_TOKEN" > '{_dir}'/token.$$
            echo "agent up at $ORCHESTRATOR_GATEWAY as $ORCHESTRATOR_AGENT_NAME with $ORCHESTRATOR_AGENT_TOKEN api=[$ORCHESTRATOR_API_TOKEN]"
            wait
            """);
        string config = Config($"""
                - name: sh_agent
                  command: {script}
                  heartbeat_timeout: off
                  backoff: {"{"} initial: 10ms, max: 100ms {"}"}
                  stop_grace: 5s
            """);
        (DaemonProcess daemon, HttpClient http) = await StartAsync(config);
        using (daemon)
        using (http)
        {
            string? up = await daemon.WaitForLineAsync(l => l.Contains("sh_agent | agent up at 127.0.0.1:", StringComparison.Ordinal), s_hang);
            Assert.True(up is not null, daemon.Tail());
            Assert.Contains("as sh_agent with *** api=[]", up, StringComparison.Ordinal); // token scrubbed; the daemon's API token not inherited
            Assert.Contains(daemon.Lines, l => l.Contains("agents.processes needs it: listening on 127.0.0.1:", StringComparison.Ordinal));

            JsonElement first = await ProcessOfAsync(http, "sh_agent");
            Assert.Equal("running", first.GetProperty("state").GetString());
            Assert.Equal(0, first.GetProperty("restarts").GetInt32());
            int pid = first.GetProperty("pid").GetInt32();

            using (Process agent = Process.GetProcessById(pid))
            {
                agent.Kill(); // SIGKILL, the agent alone: the supervisor sees it end and starts it again
            }

            await UntilAsync(async () => await ProcessOfAsync(http, "sh_agent") is var p && p.GetProperty("restarts").GetInt32() == 1 && p.GetProperty("state").GetString() == "running", "restarted after SIGKILL", daemon);
            JsonElement second = await ProcessOfAsync(http, "sh_agent");
            Assert.Equal(137, second.GetProperty("last_exit_code").GetInt32());
            int pid2 = second.GetProperty("pid").GetInt32();
            Assert.NotEqual(pid, pid2);
            Assert.False(Alive(int.Parse(File.ReadAllText(Path.Combine(_dir, "child." + pid)).Trim(), CultureInfo.InvariantCulture)), "the killed agent's child went with its group");

            string metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Contains("orchestrator_agents_process_restarts_total{agent=\"sh_agent\"} 1", metrics, StringComparison.Ordinal);
            Assert.Contains("orchestrator_agents_process_state{agent=\"sh_agent\"} 0", metrics, StringComparison.Ordinal);
            await UntilAsync(async () => (await http.GetStringAsync(new Uri("/health", UriKind.Relative))).Contains("\"name\":\"supervised:sh_agent\",\"state\":\"healthy\"", StringComparison.Ordinal), "/health lists the agent", daemon);

            await UntilAsync(() => Task.FromResult(File.Exists(Path.Combine(_dir, "child." + pid2)) && new FileInfo(Path.Combine(_dir, "child." + pid2)).Length > 0), "the second agent's child started", daemon);
            int child2 = int.Parse(File.ReadAllText(Path.Combine(_dir, "child." + pid2)).Trim(), CultureInfo.InvariantCulture);
            Assert.True(Alive(pid2) && Alive(child2));

            Assert.True(await daemon.TerminateAsync(s_hang), daemon.Tail());
            Assert.Equal(DaemonCli.ExitOk, daemon.ExitCode);
            Assert.False(Alive(pid2), "the agent outlived the daemon");
            Assert.False(Alive(child2), "the agent's child outlived the daemon");
            Assert.Contains(daemon.Lines, l => l.Contains("Agent sh_agent: stopped", StringComparison.Ordinal));
            foreach (string tokenFile in Directory.GetFiles(_dir, "token.*"))
            {
                string token = File.ReadAllText(tokenFile);
                Assert.Equal(48, token.Length);
                Assert.DoesNotContain(daemon.Lines, l => l.Contains(token, StringComparison.Ordinal));
                Assert.DoesNotContain(Directory.GetFiles(Path.Combine(_dir, "logs"), "*", SearchOption.AllDirectories), f => File.ReadAllText(f).Contains(token, StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task Run_CrashLoopingAgent_IsPausedWithACriticalAlert_UnhealthyInHealth_AndResumedByTheApi()
    {
        string loop = Script("loop.sh", "#!/bin/sh\necho failing\nexit 5\n");
        string idle = Script("idle.sh", "#!/bin/sh\nexec sleep 1000\n");
        string config = Config($"""
                - name: loop_agent
                  command: {loop}
                  max_restarts: 2
                  restart_window: 1h
                  heartbeat_timeout: off
                  backoff: {"{"} initial: 10ms, max: 50ms {"}"}
                - name: idle_agent
                  command: {idle}
                  heartbeat_timeout: off
                  stop_grace: 5s
            """);
        (DaemonProcess daemon, HttpClient http) = await StartAsync(config);
        using (daemon)
        using (http)
        {
            await UntilAsync(async () => (await ProcessOfAsync(http, "loop_agent")).GetProperty("state").GetString() == "paused", "paused", daemon);
            JsonElement paused = await ProcessOfAsync(http, "loop_agent");
            Assert.Equal(2, paused.GetProperty("restarts").GetInt32());
            Assert.Equal(5, paused.GetProperty("last_exit_code").GetInt32());
            Assert.NotNull(await daemon.WaitForLineAsync(l => l.Contains("[agent_paused] Agent loop_agent ended again", StringComparison.Ordinal), s_hang));

            await UntilAsync(async () =>
            {
                using HttpResponseMessage health = await http.GetAsync(new Uri("/health", UriKind.Relative));
                string body = await health.Content.ReadAsStringAsync();
                return health.StatusCode == HttpStatusCode.ServiceUnavailable && body.Contains("\"name\":\"supervised:loop_agent\",\"state\":\"unhealthy\"", StringComparison.Ordinal);
            }, "/health: the paused agent is unhealthy", daemon);

            using (HttpResponseMessage unknown = await http.PostAsync(new Uri("/api/agents/nobody/resume", UriKind.Relative), null))
            {
                Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            }

            using (HttpResponseMessage running = await http.PostAsync(new Uri("/api/agents/idle_agent/resume", UriKind.Relative), null))
            {
                Assert.Equal(HttpStatusCode.Conflict, running.StatusCode);
                Assert.Contains("'idle_agent' is running, not paused", await running.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            using (HttpResponseMessage resumed = await http.PostAsync(new Uri("/api/agents/loop_agent/resume", UriKind.Relative), null))
            {
                Assert.Equal(HttpStatusCode.Accepted, resumed.StatusCode);
            }

            await UntilAsync(async () => (await ProcessOfAsync(http, "loop_agent")).GetProperty("restarts").GetInt32() >= 3, "started again after resume", daemon);
            Assert.True(await daemon.TerminateAsync(s_hang), daemon.Tail());
            Assert.Equal(DaemonCli.ExitOk, daemon.ExitCode);
        }
    }

    [Fact]
    public async Task Run_AgentConnectedWithItsTokenThenSilent_IsRestartedForTheMissingHeartbeat()
    {
        string script = Script("quiet.py", $$"""
            #!/usr/bin/env python3
            import os, socket, json, time
            host, port = os.environ["ORCHESTRATOR_GATEWAY"].rsplit(":", 1)
            s = socket.create_connection((host, int(port)))
            f = s.makefile("rwb")
            f.write(("auth " + os.environ["ORCHESTRATOR_AGENT_TOKEN"] + "\n").encode()); f.flush()
            print("auth:", f.readline().decode().strip())
            hello = {"type": "hello", "name": os.environ["ORCHESTRATOR_AGENT_NAME"], "version": "1.0", "symbols": ["AAPL"], "ticks": False}
            f.write((json.dumps(hello) + "\n").encode()); f.flush()
            print("hello:", f.readline().decode().strip())
            f.write(b'{"type":"heartbeat"}\n'); f.flush()
            open('{{_dir}}/connected.%d' % os.getpid(), "w").write("yes")
            time.sleep(1000)  # connected, then silent: hung (10s: a python start-up takes seconds on a loaded box)
            """);
        string config = Config($"""
                - name: quiet_agent
                  command: {script}
                  heartbeat_timeout: 10s
                  backoff: {"{"} initial: 10ms, max: 50ms {"}"}
                  stop_grace: 5s
            """);
        (DaemonProcess daemon, HttpClient http) = await StartAsync(config);
        using (daemon)
        using (http)
        {
            string? welcome = await daemon.WaitForLineAsync(l => l.Contains("quiet_agent | hello: ", StringComparison.Ordinal), s_hang);
            Assert.True(welcome is not null, daemon.Tail());
            Assert.Contains("\"type\":\"welcome\"", welcome, StringComparison.Ordinal); // the token from the environment authenticated it as quiet_agent
            Assert.Contains(daemon.Lines, l => l.Contains("quiet_agent | auth: {\"status\":\"authenticated\"}", StringComparison.Ordinal));

            await UntilAsync(async () => (await ProcessOfAsync(http, "quiet_agent")).GetProperty("restarts").GetInt32() >= 1, "restarted for the missing heartbeat", daemon);
            Assert.Contains("no heartbeat for more than 10s (hung)", (await ProcessOfAsync(http, "quiet_agent")).GetProperty("last_reason").GetString(), StringComparison.Ordinal);
            Assert.True(Directory.GetFiles(_dir, "connected.*").Length >= 1);
            Assert.True(await daemon.TerminateAsync(s_hang), daemon.Tail());
        }
    }

    [GeneratedRegex(@"Control API listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex BaseAddressPattern();
}
