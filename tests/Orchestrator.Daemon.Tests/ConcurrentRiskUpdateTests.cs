using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// Issue 15 item 3: the real daemon with <c>--journal</c> and the control API, many concurrent
/// <c>PUT /api/risk</c> clients. Every acknowledged change must be applied and journaled in order,
/// so the run's report and <c>replay --json</c> of its journal agree.
/// </summary>
public sealed partial class ConcurrentRiskUpdateTests : IDisposable
{
    private const int Clients = 64;
    private const int PutsPerClient = 12;
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(240);
    private readonly string _root = Directory.CreateTempSubdirectory("orc-risk-puts-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [GeneratedRegex(@"Control API listening on (\S+)")]
    private static partial Regex ListeningPattern();

    [Fact]
    public async Task SixtyFourConcurrentRiskPuts_EveryAcknowledgedChangeIsApplied_AndReplayEqualsTheReport()
    {
        string config = Path.Combine(_root, "config");
        Directory.CreateDirectory(config);
        string journal = Path.Combine(_root, "journal");
        string reportPath = Path.Combine(_root, "report.json");
        var environment = new Dictionary<string, string> { ["ORCHESTRATOR_API_TOKEN"] = "risk-put-token" };

        long acknowledged = 0;
        using (DaemonProcess daemon = DaemonProcess.Start(_root, Path.Combine(_root, "run.out"),
            ["run", "--config", config, "--journal", journal, "--journal-fsync", "none", "--http-port", "0", "--headless", "--ticks-per-second", "2000",
             "--seed", "11", "--report", reportPath, "--log-dir", Path.Combine(_root, "logs")], environment))
        {
            string? listening = await daemon.WaitForLineAsync(l => l.Contains("Control API listening on", StringComparison.Ordinal), s_hang);
            Assert.True(listening is not null, daemon.Tail());
            using var http = new HttpClient { BaseAddress = new Uri(ListeningPattern().Match(listening).Groups[1].Value), Timeout = s_hang };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "risk-put-token");

            // Each client alternates limits that change what trades: a change lost or applied out of order shows in the orders.
            var clients = new Task<int>[Clients];
            for (int c = 0; c < Clients; c++)
            {
                int client = c;
                clients[c] = Task.Run(async () =>
                {
                    int acked = 0;
                    for (int i = 0; i < PutsPerClient; i++)
                    {
                        decimal confidence = 0.60m + (((client + i) % 5) * 0.08m); // the built-in rules signal at 0.75
                        string body = string.Create(CultureInfo.InvariantCulture, $"{{\"min_confidence\": {confidence}}}");
                        using var content = new StringContent(body, Encoding.UTF8, "application/json");
                        using HttpResponseMessage answer = await http.PutAsync(new Uri("/api/risk", UriKind.Relative), content);
                        using JsonDocument json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
                        if (answer.StatusCode == HttpStatusCode.OK && json.RootElement.GetProperty("applied").GetBoolean())
                        {
                            acked++;
                        }
                    }

                    return acked;
                });
            }

            foreach (int acked in await Task.WhenAll(clients).WaitAsync(s_hang))
            {
                acknowledged += acked;
            }

            Assert.True(await daemon.TerminateAsync(s_hang), daemon.Tail());
            Assert.True(daemon.ExitCode == 0, daemon.Tail());
        }

        Assert.Equal(Clients * PutsPerClient, acknowledged); // every PUT was valid and answered applied

        using JsonDocument report = JsonDocument.Parse(await File.ReadAllTextAsync(reportPath));
        using JsonDocument replay = await ReplayJsonAsync(config, journal);
        JsonElement live = report.RootElement, rebuilt = replay.RootElement;

        // The count of applied versions: the live engine's and the journal's, both the acknowledged count.
        Assert.Equal(acknowledged, live.GetProperty("risk_parameter_changes").GetInt64());
        Assert.Equal(acknowledged, rebuilt.GetProperty("risk_parameter_changes").GetInt64());

        Assert.True(live.GetProperty("orders_submitted").GetInt64() > 0, "the run traded");
        Assert.Equal(live.GetProperty("orders_submitted").GetInt64(), rebuilt.GetProperty("orders_submitted").GetInt64());
        Assert.Equal(live.GetProperty("fills").GetInt64(), rebuilt.GetProperty("fills").GetInt64());
        Assert.Equal(live.GetProperty("cash").GetDecimal(), rebuilt.GetProperty("cash").GetDecimal());
        Dictionary<string, long> Positions(JsonElement root) => root.GetProperty("positions").EnumerateArray()
            .Where(p => p.GetProperty("quantity").GetInt64() != 0)
            .ToDictionary(p => p.GetProperty("symbol").GetString()!, p => p.GetProperty("quantity").GetInt64(), StringComparer.Ordinal);
        Assert.Equal(Positions(live), Positions(rebuilt));
    }

    private async Task<JsonDocument> ReplayJsonAsync(string config, string journal)
    {
        using DaemonProcess replay = DaemonProcess.Start(_root, Path.Combine(_root, "replay.out"), ["replay", "--journal", journal, "--config", config, "--json"]);
        await replay.WaitForLineAsync(_ => false, s_hang); // until it ends
        Assert.True(replay.HasExited && replay.ExitCode == 0, replay.Tail());
        string? json = replay.Lines.FirstOrDefault(l => l.StartsWith('{'));
        Assert.True(json is not null, replay.Tail());
        return JsonDocument.Parse(json);
    }
}
