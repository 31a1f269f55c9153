using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// Accountability in a real daemon run (issue 17): a signal sent over the gateway is followed by its
/// <c>signal_id</c> through the JSON audit log — received, submitted, filled — each line naming its agent.
/// </summary>
public sealed partial class SignalAttributionDaemonTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task GatewaySignal_IsFollowedBySignalId_FromSignalReceived_ToOrderFilled_InTheJsonAuditLog()
    {
        string dir = Directory.CreateTempSubdirectory("orc-attribution-").FullName;
        try
        {
            string logs = Path.Combine(dir, "logs");
            string config = Path.Combine(dir, "config");
            Directory.CreateDirectory(config);

            // The built-in rules off: a rule's own BUY AAPL would make the test's signal a DuplicateSignal.
            File.WriteAllText(Path.Combine(config, Configuration.ConfigLoader.RiskFile), "rules: { momentum: { enabled: false }, rsi_reversion: { enabled: false } }\n");
            using var daemon = DaemonProcess.Start(dir, Path.Combine(dir, "console.txt"), ["run", "--config", config, "--gateway-port", "0", "--headless", "--ticks-per-second", "200", "--log-dir", logs]);
            string? listening = await daemon.WaitForLineAsync(l => l.Contains("Signal gateway listening on 127.0.0.1:", StringComparison.Ordinal), s_hang);
            Assert.True(listening is not null, daemon.Tail());
            int port = int.Parse(PortPattern().Match(listening).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.NotNull(await daemon.WaitForLineAsync(l => l.Contains("Step 6/6", StringComparison.Ordinal), s_hang));

            using var guard = new CancellationTokenSource(s_hang);
            using (var tcp = new TcpClient())
            {
                await tcp.ConnectAsync("127.0.0.1", port, guard.Token);
                NetworkStream stream = tcp.GetStream();
                await stream.WriteAsync(Encoding.UTF8.GetBytes("{\"id\":\"f1\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9,\"quantity\":2,\"source\":\"follow_agent\",\"reason\":\"attribution test\"}\n"), guard.Token);
                using var reader = new StreamReader(stream);
                Assert.Equal("accepted", JsonDocument.Parse((await reader.ReadLineAsync(guard.Token))!).RootElement.GetProperty("status").GetString());
                JsonElement outcome = JsonDocument.Parse((await reader.ReadLineAsync(guard.Token))!).RootElement;
                Assert.True(outcome.GetProperty("status").GetString() == "ordered", outcome.ToString());
            }

            // Follow it: the received line gives the signal id; the order and its fill carry it and the agent.
            string jsonLog = Path.Combine(logs, "orchestrator.jsonl");
            JsonElement received = await WaitForAuditAsync(jsonLog, l => Event(l) == "signal_received" && Text(l, "agent") == "follow_agent", guard.Token);
            long signalId = received.GetProperty("signal_id").GetInt64();
            Assert.True(signalId >= Core.SignalLimits.GatewaySignalIdBase, received.ToString());
            JsonElement submitted = await WaitForAuditAsync(jsonLog, l => Event(l) == "order_submitted" && SignalId(l) == signalId, guard.Token);
            JsonElement filled = await WaitForAuditAsync(jsonLog, l => Event(l) == "order_filled" && SignalId(l) == signalId, guard.Token);

            Assert.Equal("follow_agent", Text(submitted, "agent"));
            Assert.Equal("follow_agent", Text(filled, "agent"));
            Assert.Equal(submitted.GetProperty("order_id").GetInt64(), filled.GetProperty("order_id").GetInt64());
            Assert.Equal(2, submitted.GetProperty("qty").GetInt64()); // the signal's quantity
            Assert.Contains($"[signal {signalId}] from follow_agent", submitted.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Contains($"[signal {signalId}] from follow_agent", filled.GetProperty("message").GetString(), StringComparison.Ordinal);

            // The human log tells the same story (written by its own target: wait for the fill's line).
            var filledLine = new Regex($@"Order filled: AAPL 2 shares BUY @ \S+ \(id \d+\) \[signal {signalId}\] from follow_agent");
            string human = await WaitForTextAsync(Path.Combine(logs, "orchestrator.log"), filledLine.IsMatch, guard.Token);
            Assert.Contains($"[signal {signalId}] from follow_agent: attribution test", human, StringComparison.Ordinal);

            Assert.True(await daemon.TerminateAsync(s_hang), daemon.Tail());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string? Event(JsonElement line) => line.TryGetProperty("event", out JsonElement e) ? e.GetString() : null;

    private static string? Text(JsonElement line, string name) => line.TryGetProperty(name, out JsonElement e) ? e.GetString() : null;

    private static long SignalId(JsonElement line) => line.TryGetProperty("signal_id", out JsonElement e) ? e.GetInt64() : 0;

    /// <summary>The first JSON log line matching <paramref name="match"/>, once the audit thread has written it.</summary>
    internal static async Task<JsonElement> WaitForAuditAsync(string path, Func<JsonElement, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (File.Exists(path))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                while (await reader.ReadLineAsync(cancellationToken) is { } text)
                {
                    if (text.StartsWith('{') && JsonDocument.Parse(text).RootElement is var line && match(line))
                    {
                        return line.Clone();
                    }
                }
            }

            await Task.Delay(20, cancellationToken); // condition wait: the audit thread writes the file in batches
        }
    }

    /// <summary>The whole of the text file at <paramref name="path"/>, once <paramref name="match"/> holds for it.</summary>
    private static async Task<string> WaitForTextAsync(string path, Func<string, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (File.Exists(path))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                string text = await reader.ReadToEndAsync(cancellationToken);
                if (match(text))
                {
                    return text;
                }
            }

            await Task.Delay(20, cancellationToken); // condition wait: the log target writes the file in batches
        }
    }

    [GeneratedRegex(@"127\.0\.0\.1:(\d+)")]
    private static partial Regex PortPattern();
}
