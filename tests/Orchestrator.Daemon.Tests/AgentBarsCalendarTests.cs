using System.Globalization;
using Orchestrator.Agents.Market;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// Issue 20: the daemon's agent bar store (data_agent, strategy_agent, the LLM prompt) takes each symbol's calendar
/// from the engine, so with <c>calendars: exchange</c> its bars follow the exchange session as the engine's bars do
/// (a NYSE 1h bar starts at the half past, the half day's last one is cut at 13:00), and stay on the UTC clock without.
/// A real session replaying a tick file.
/// </summary>
public sealed class AgentBarsCalendarTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(60);

    private static long Utc(int hour, int minute) =>
        new DateTimeOffset(2024, 7, 3, hour, minute, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AgentHourBars_OnTheNyseHalfDay_FollowTheSession_WithExchangeCalendars(bool exchangeCalendars)
    {
        // 3 July 2024, New York on EDT (UTC−4), an early close at 13:00: trades from 11:40 to 13:50 New York time.
        string path = Path.Combine(Path.GetTempPath(), "orc-agent-session-bars-" + Guid.NewGuid().ToString("N") + ".csv");
        var lines = new List<string> { "timestamp,symbol,price,size" };
        for (long t = Utc(15, 40); t <= Utc(17, 50); t += 10 * 60 * 1_000_000_000L)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{t},AAPL,{100m + (lines.Count / 10m)},10"));
        }

        await File.WriteAllLinesAsync(path, lines);
        try
        {
            var settings = new AgentSettings { BarLength = TimeSpan.FromHours(1) };
            SessionOptions options = DaemonCli.BuildOptions(seed: 5, ticksPerSecond: 0, WaitStrategyKind.Blocking) with { DataFile = path };
            using var session = new TradingSession(options with { Engine = options.Engine with { UseExchangeCalendars = exchangeCalendars } }, NullAuditWriter.Instance);
            BarStore bars = AgentHost.AttachBars(session, settings);
            session.Start("test");
            try
            {
                await session.FeedCompletion.WaitAsync(s_hang);
                long[] starts = [.. bars.GetBars("AAPL", 100, includeForming: true).Select(b => b.StartNs)];

                long[] expected = exchangeCalendars
                    ? [Utc(15, 30), Utc(16, 30), Utc(17, 0), Utc(17, 30)] // 11:30–12:30, 12:30–13:00 (the early close), then post-market 13:00–13:30, 13:30–14:30 (the grid from the open)
                    : [Utc(15, 0), Utc(16, 0), Utc(17, 0)];  // the UTC clock's hours
                Assert.Equal(expected, starts);
                Assert.Equal(lines.Count - 1, bars.GetBars("AAPL", 100, includeForming: true).Sum(b => b.Volume) / 10);
            }
            finally
            {
                session.Stop();
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
