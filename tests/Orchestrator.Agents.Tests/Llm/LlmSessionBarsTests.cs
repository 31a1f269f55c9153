using Orchestrator.Agents.Llm;
using Orchestrator.Agents.Tests.Fakes;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Strategies;
using Orchestrator.Strategies.Testing;
using static Orchestrator.Agents.Tests.Llm.LlmStrategyRig;

namespace Orchestrator.Agents.Tests.Llm;

/// <summary>
/// Issue 20: with exchange calendars the host's bars follow the session (a NYSE 1h bar starts at 09:30, 10:30, …);
/// the LLM strategy's forming bar, which it builds from ticks, is on the same grid (<c>IStrategyContext.BarBounds</c>),
/// so the prompt never shows a forming bar that overlaps the closed one.
/// </summary>
public sealed class LlmSessionBarsTests
{
    private static long Utc(int year, int month, int day, int hour, int minute) =>
        (new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks) * 100;

    [Fact]
    public async Task TheFormingBar_StartsWhereTheHostsClosedBarEnds_OnTheNyseSession()
    {
        await using FakeModelServer server = await FakeModelServer.StartAsync();
        LlmStrategy strategy = NewStrategy(server, LlmSchedule.OnBarClose(Timeframe.OneHour));
        var engine = new TradingEngine(StrategyTestRig.Options(["AAPL"], new StrategyRegistration("llm_a", strategy, ["AAPL"])) with { UseExchangeCalendars = true }, NullAuditWriter.Instance);

        await Task.Run(() =>
        {
            long sequence = 0;
            Process(engine, ref sequence, Trade(0, Utc(2024, 7, 2, 13, 31), 100m)); // 09:31 EDT
            Process(engine, ref sequence, Trade(0, Utc(2024, 7, 2, 14, 0), 101m));  // 10:00: still the 09:30 bar
            Process(engine, ref sequence, Trade(0, Utc(2024, 7, 2, 14, 20), 102m)); // 10:20
            Process(engine, ref sequence, Trade(0, Utc(2024, 7, 2, 14, 31), 103m)); // 10:31: closes 09:30–10:30
        });

        Assert.Single(server.Requests);
        var aapl = Context(server.Requests[0])["symbols"]!["AAPL"]!;
        Assert.Equal("2024-07-02T14:30:00Z", aapl["forming_bar"]!["start_utc"]!.GetValue<string>()); // 10:30 EDT, not the UTC clock's 14:00
        Assert.Equal(103m, aapl["forming_bar"]!["open"]!.GetValue<decimal>());
    }
}
