using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Orchestrator.Agents.Tests.Fakes;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// Issue 18's proof in a real daemon process: agent_model.yaml declares two LLM strategy agents on
/// different providers (openai_compatible and anthropic, each against the fake model server's own wire
/// format over loopback) and an orchestrator agent. Each strategy's signal reaches the engine under its
/// own name; the orchestrator answers a task with one tool call, which is audited with the task's id.
/// </summary>
public sealed partial class LlmAgentsProofTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task TwoStrategyAgentsOnTwoProviders_AndTheOrchestrator_WorkInOneDaemon()
    {
        string dir = Directory.CreateTempSubdirectory("orc-llm-proof-").FullName;
        await using FakeModelServer server = await FakeModelServer.StartAsync();
        try
        {
            server.EnqueueText("""{"signals":[{"symbol":"NVDA","side":"BUY","confidence":0.9,"reason":"gemini sees momentum"}]}""", model: "gemini-fake");
            server.EnqueueText("""{"signals":[{"symbol":"AAPL","side":"BUY","confidence":0.9,"reason":"claude sees value"}]}""", model: "claude-fake");
            server.EnqueueToolCall("get_positions", "{}", model: "boss-fake");
            server.EnqueueText("We hold what get_positions listed.", model: "boss-fake");

            string logs = Path.Combine(dir, "logs");
            string config = Directory.CreateDirectory(Path.Combine(dir, "config")).FullName;
            File.WriteAllText(Path.Combine(config, Configuration.ConfigLoader.RiskFile), "rules: { momentum: { enabled: false }, rsi_reversion: { enabled: false } }\n");
            File.WriteAllText(Path.Combine(config, Configuration.ConfigLoader.AgentModelFile), $"""
                agents:
                  gemini_semis:
                    provider: openai_compatible
                    model: gemini-fake
                    endpoint: {server.OpenAiBaseUrl}
                    symbols: [nvda]
                    interval: 2s
                    timeout: 2s
                  claude_value:
                    provider: anthropic
                    model: claude-fake
                    endpoint: {server.AnthropicBaseUrl}
                    api_key_env: FAKE_CLAUDE_KEY
                    symbols: [AAPL]
                    interval: 2s
                    timeout: 2s
                  boss:
                    provider: openai_compatible
                    model: boss-fake
                    endpoint: {server.OpenAiBaseUrl}
                    role: orchestrator
                    timeout: 30s
                """);
            using var daemon = DaemonProcess.Start(dir, Path.Combine(dir, "console.txt"),
                ["run", "--config", config, "--http-port", "0", "--headless", "--ticks-per-second", "200", "--log-dir", logs],
                new Dictionary<string, string> { ["ORCHESTRATOR_API_TOKEN"] = "proof-token", ["FAKE_CLAUDE_KEY"] = "sk-ant-proof" });
            string? listening = await daemon.WaitForLineAsync(l => l.Contains("Control API listening on ", StringComparison.Ordinal), s_hang);
            Assert.True(listening is not null, daemon.Tail());
            int port = int.Parse(PortPattern().Match(listening).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

            // Each strategy's signal reaches the engine under its own name (the audit's agent).
            using var guard = new CancellationTokenSource(s_hang);
            string jsonLog = Path.Combine(logs, "orchestrator.jsonl");
            JsonElement gemini = await SignalAttributionDaemonTests.WaitForAuditAsync(jsonLog, l => Text(l, "agent") == "gemini_semis" && Text(l, "symbol") == "NVDA", guard.Token);
            JsonElement claude = await SignalAttributionDaemonTests.WaitForAuditAsync(jsonLog, l => Text(l, "agent") == "claude_value" && Text(l, "symbol") == "AAPL", guard.Token);
            Assert.NotNull(Text(gemini, "event"));
            Assert.NotNull(Text(claude, "event"));
            Assert.Contains(server.Requests, r => r.Format == ModelWireFormat.OpenAi && r.Model == "gemini-fake");
            Assert.Contains(server.Requests, r => r.Format == ModelWireFormat.Anthropic && r.Model == "claude-fake" && r.Credential == "sk-ant-proof");

            // The orchestrator answers a task with one tool call, audited with the task's id.
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "proof-token");
            using HttpResponseMessage response = await http.PostAsync("api/orchestrator/ask",
                new StringContent("""{"task":"what is our exposure to semis?"}""", Encoding.UTF8, "application/json"), guard.Token);
            string body = await response.Content.ReadAsStringAsync(guard.Token);
            Assert.True(response.IsSuccessStatusCode, body);
            JsonNode answer = JsonNode.Parse(body)!;
            Assert.Equal("We hold what get_positions listed.", answer["answer"]!.GetValue<string>());
            JsonNode call = Assert.Single(answer["tool_calls"]!.AsArray())!;
            Assert.Equal(("get_positions", true), (call["name"]!.GetValue<string>(), call["ok"]!.GetValue<bool>()));
            string taskId = answer["task_id"]!.GetValue<string>();
            JsonElement audited = await SignalAttributionDaemonTests.WaitForAuditAsync(jsonLog,
                l => Text(l, "event") == "mcp_tool_call" && Text(l, "tool") == "get_positions" && Text(l, "task_id") == taskId, guard.Token);
            Assert.Equal("ok", Text(audited, "outcome"));

            Assert.True(await daemon.TerminateAsync(s_hang), daemon.Tail());
            Assert.DoesNotContain("sk-ant-proof", string.Join('\n', daemon.Lines), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string? Text(JsonElement line, string name) => line.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    [GeneratedRegex(@"127\.0\.0\.1:(\d+)")]
    private static partial Regex PortPattern();
}
