using System.Text.Json;

namespace Orchestrator.Daemon.Tests.Display;

/// <summary>The daemon without a terminal: no dashboard, a status line in the log every --status-interval.</summary>
public sealed class HeadlessRunTests
{
    [Fact]
    public async Task Run_WithStdoutRedirected_DrawsNoDashboard_AndLogsStatusLinesWithTheirFields()
    {
        string dir = Directory.CreateTempSubdirectory("orc-headless-").FullName;
        try
        {
            using var daemon = DaemonProcess.Start(dir, Path.Combine(dir, "console.txt"), ["run", "--duration", "4s", "--status-interval", "1s", "--ticks-per-second", "500"]);
            string? summary = await daemon.WaitForLineAsync(l => l.Contains("Summary:", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
            Assert.True(summary is not null, daemon.Tail());

            IReadOnlyList<string> lines = daemon.Lines;
            Assert.Contains(lines, l => l.Contains("Headless: no console display; a status line every 1s", StringComparison.Ordinal));
            Assert.True(lines.Count(l => l.Contains("[INFO] Status: ", StringComparison.Ordinal)) >= 2, daemon.Tail()); // periodic ones and the final one
            Assert.DoesNotContain(lines, l => l.IndexOfAny(['╭', '│', '┌', '─']) >= 0); // no frame of a live view
            string status = lines.Last(l => l.Contains("Status: ", StringComparison.Ordinal));
            foreach (string field in new[] { " equity=", " pnl=", " day_pnl=", " open=", " rejects=", " p50=", " p99=" })
            {
                Assert.Contains(field, status, StringComparison.Ordinal);
            }

            List<JsonElement> json = [.. File.ReadLines(Path.Combine(dir, "logs", "orchestrator.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)];
            JsonElement statusEvent = json.Last(e => Field(e, "event") == "status");
            foreach (string field in new[] { "equity", "cash", "pnl", "day_pnl", "open_orders", "rejects", "latency_p50_us", "latency_p99_us" })
            {
                Assert.True(statusEvent.TryGetProperty(field, out _), "status event without " + field);
            }

            JsonElement fill = json.First(e => Field(e, "event") == "order_filled");
            foreach (string field in new[] { "symbol", "side", "qty", "price", "order_id" })
            {
                Assert.True(fill.TryGetProperty(field, out _), "order_filled without " + field);
            }

            Assert.Contains(File.ReadLines(Path.Combine(dir, "logs", "orchestrator.log")), l => l.Contains("[INFO] Status: ", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string? Field(JsonElement e, string name) => e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
