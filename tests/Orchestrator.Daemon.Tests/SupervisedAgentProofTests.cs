using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// The issue's end-to-end proof with real processes: the daemon starts the Python example agent
/// (tools/python/examples/sma_agent.py, unchanged) under supervision; it trades on the paper venue; it
/// is killed with SIGKILL; the supervisor starts it again after its backoff; the new process receives
/// every fill of its predecessor again (fill replay); and what its fills add up to is what the run
/// report holds for its symbol (the only trader there: rules and protective exits are off).
/// </summary>
public sealed partial class SupervisedAgentProofTests : IDisposable
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(180);
    private const string ApiToken = "supervised-proof-token";
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-proof-").FullName;

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

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Orchestrator.LowLatency.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return dir.FullName;
    }

    private sealed record Fill(int Seq, string Side, long Quantity, string Symbol, decimal Price, bool Replayed);

    private static List<Fill> Fills(IEnumerable<string> lines) =>
        [.. lines.Select(l => FillPattern().Match(l)).Where(m => m.Success).Select(m => new Fill(
            int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value, long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture),
            m.Groups[4].Value, decimal.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture), m.Groups[6].Success))];

    private static async Task<JsonElement> ProcessOfAsync(HttpClient http)
    {
        using JsonDocument doc = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/agents", UriKind.Relative)));
        return doc.RootElement.EnumerateArray().Single(a => a.GetProperty("name").GetString() == "sma_agent").GetProperty("process").Clone();
    }

    [Fact]
    public async Task SupervisedPythonAgent_KilledWithSigkill_ComesBack_GetsItsFillsReplayed_AndTheReportHoldsWhatItsFillsAddUpTo()
    {
        string config = Path.Combine(_dir, "config");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, ConfigLoader.RiskFile), "exits: { stop_loss: 0, take_profit: 0, trailing_stop: 0 }\nrules: { momentum: { enabled: false }, rsi_reversion: { enabled: false } }\n");
        File.WriteAllText(Path.Combine(config, ConfigLoader.DaemonFile), $"""
            agents:
              processes:
                - name: sma_agent
                  command: python3
                  args: [{Path.Combine(RepositoryRoot(), "tools", "python", "examples", "sma_agent.py")}, --symbols, AAPL, --fast, "2", --slow, "4", --quantity, "5"]
                  restart: on-failure
                  heartbeat_timeout: 60s
                  backoff: {"{"} initial: 200ms, max: 2s {"}"}
                  stop_grace: 10s
            """);
        string reportPath = Path.Combine(_dir, "report.json");
        using DaemonProcess daemon = DaemonProcess.Start(_dir, Path.Combine(_dir, "console.txt"),
            ["run", "--config", config, "--http-port", "0", "--headless", "--ticks-per-second", "500", "--report", reportPath, "--log-dir", Path.Combine(_dir, "logs")],
            new Dictionary<string, string> { ["ORCHESTRATOR_API_TOKEN"] = ApiToken });
        string? listening = await daemon.WaitForLineAsync(l => l.Contains("Control API listening on ", StringComparison.Ordinal), s_hang);
        Assert.True(listening is not null, daemon.Tail());
        using var http = new HttpClient { BaseAddress = new Uri(BaseAddressPattern().Match(listening).Groups[1].Value) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);

        // 1. The first process trades: at least two fills (a round trip under way).
        Assert.True(await daemon.WaitForLineAsync(l => FillPattern().Match(l) is { Success: true } m && m.Groups[1].Value == "2", s_hang) is not null, daemon.Tail(60));
        JsonElement first = await ProcessOfAsync(http);
        Assert.Equal("running", first.GetProperty("state").GetString());
        int pid = first.GetProperty("pid").GetInt32();

        // 2. SIGKILL: no goodbye, no flush.
        int killedAt = daemon.LineCount;
        using (Process agent = Process.GetProcessById(pid))
        {
            agent.Kill();
        }

        List<Fill> before = Fills(daemon.Lines.Take(killedAt));
        Assert.NotEmpty(before);
        Assert.DoesNotContain(before, f => f.Replayed);

        // 3. It comes back after its backoff: a new process, one restart, exit code 137 recorded.
        string? restarted = await daemon.WaitForLineAsync(l => l.Contains("Agent sma_agent: started (pid", StringComparison.Ordinal), s_hang, after: killedAt);
        Assert.True(restarted is not null, daemon.Tail(60));
        JsonElement second = await ProcessOfAsync(http);
        Assert.Equal(1, second.GetProperty("restarts").GetInt32());
        Assert.Equal(137, second.GetProperty("last_exit_code").GetInt32());
        Assert.NotEqual(pid, second.GetProperty("pid").GetInt32());

        // 4. The new process receives every fill it missed (all of them: it starts from last_fill_seq 0), marked replayed.
        int lastBefore = before.Max(f => f.Seq);
        Assert.True(await daemon.WaitForLineAsync(l => FillPattern().Match(l) is { Success: true } m && m.Groups[6].Success && m.Groups[1].Value == lastBefore.ToString(CultureInfo.InvariantCulture), s_hang, after: killedAt) is not null, daemon.Tail(60));
        List<Fill> replayed = [.. Fills(daemon.Lines.Skip(killedAt)).Where(f => f.Replayed)];
        foreach (Fill fill in before)
        {
            Assert.Contains(replayed, r => r with { Replayed = false } == fill);
        }

        // 5. It goes on trading, then the daemon stops (SIGTERM): the agent is stopped first, the report is written.
        int seen = Fills(daemon.Lines).Max(f => f.Seq);
        Assert.True(await daemon.WaitForLineAsync(l => FillPattern().Match(l) is { Success: true } m && !m.Groups[6].Success && int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) > seen, s_hang, after: killedAt) is not null, daemon.Tail(60));
        Assert.True(await daemon.TerminateAsync(s_hang), daemon.Tail(60));
        Assert.Equal(DaemonCli.ExitOk, daemon.ExitCode);

        // 6. Its P&L: every distinct fill (by fill_seq), average cost, equals the report's AAPL position (it is the only trader of AAPL).
        Fill[] all = [.. Fills(daemon.Lines).GroupBy(f => f.Seq).Select(g => g.First()).OrderBy(f => f.Seq)];
        Assert.Equal(Enumerable.Range(1, all.Length), all.Select(f => f.Seq)); // no gap: nothing was lost
        (long quantity, decimal realized) = AddUp(all);
        using JsonDocument report = JsonDocument.Parse(await File.ReadAllTextAsync(reportPath));
        JsonElement? aapl = report.RootElement.GetProperty("positions").EnumerateArray().Cast<JsonElement?>().FirstOrDefault(p => p!.Value.GetProperty("symbol").GetString() == "AAPL");
        Assert.Equal(quantity, aapl?.GetProperty("quantity").GetInt64() ?? 0); // the report leaves out a symbol with no position and no realized P&L
        Assert.Equal(realized, aapl?.GetProperty("realized_pnl").GetDecimal() ?? 0m);

        Assert.Equal(all.Length, report.RootElement.GetProperty("fills").GetInt64());

        // 7. The report's own per-agent figures say the same: its fills, its realized P&L, its one restart.
        JsonElement? mine = report.RootElement.GetProperty("agents").EnumerateArray().Cast<JsonElement?>().FirstOrDefault(a => a!.Value.GetProperty("name").GetString() == "sma_agent");
        Assert.True(mine is not null, report.RootElement.GetProperty("agents").GetRawText());
        Assert.Equal(all.Length, mine!.Value.GetProperty("fills").GetInt64());
        Assert.Equal(realized, mine.Value.GetProperty("realized_pnl").GetDecimal());
        Assert.Equal(1, mine.Value.GetProperty("restarts").GetInt32());
    }

    /// <summary>Net quantity and realized P&amp;L (average cost, before commission) of <paramref name="fills"/> in order.</summary>
    private static (long Quantity, decimal Realized) AddUp(IEnumerable<Fill> fills)
    {
        long quantity = 0;
        decimal average = 0;
        decimal realized = 0;
        foreach (Fill f in fills)
        {
            long signed = f.Side == "BUY" ? f.Quantity : -f.Quantity;
            if (quantity == 0 || Math.Sign(quantity) == Math.Sign(signed))
            {
                average = ((average * Math.Abs(quantity)) + (f.Price * f.Quantity)) / (Math.Abs(quantity) + f.Quantity);
                quantity += signed;
                continue;
            }

            long closed = Math.Min(Math.Abs(quantity), f.Quantity);
            realized += (f.Price - average) * closed * Math.Sign(quantity);
            quantity += signed;
            if (quantity != 0 && Math.Sign(quantity) == Math.Sign(signed))
            {
                average = f.Price; // flipped: the rest opened at this price
            }
            else if (quantity == 0)
            {
                average = 0;
            }
        }

        return (quantity, realized);
    }

    [GeneratedRegex(@"sma_agent \(stderr\) \| .*fill (\d+) (BUY|SELL) (\d+) (\S+) @ (\S+) \(order [^,]+, signal [^,)]+(, replayed)?\)")]
    private static partial Regex FillPattern();

    [GeneratedRegex(@"Control API listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex BaseAddressPattern();
}
