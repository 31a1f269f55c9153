using Orchestrator.Core;
using Orchestrator.Daemon.Control;
using Orchestrator.Daemon.Display;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Daemon.Logging;
using Orchestrator.Engine;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Daemon.Tests.Display;

/// <summary>The dashboard's view of a real paper session: the engine's published snapshot, counters and audit stream.</summary>
public sealed class DashboardSourceTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Build_AfterASession_ShowsTheEnginesAccountPositionsAndSignals()
    {
        SessionOptions options = DaemonCli.BuildOptions(seed: 7, ticksPerSecond: 20_000, WaitStrategyKind.Blocking) with { MaxTicks = 5_000 };
        using var session = new TradingSession(options);
        var recent = new RecentSignals();
        ((NLogAuditWriter)session.AuditWriter).Observer = recent;
        session.Start("test");
        await session.FeedCompletion.WaitAsync(s_hang);
        TradingEngine engine = session.Engine;
        Assert.True(engine.WaitUntilQuiet(s_hang));
        var source = new DashboardSource(session, recent);

        // Asks the trading thread for a snapshot; samples equity only if one was already published
        // (the session asks for snapshots of its own, so that depends on timing).
        int samplesBefore = source.Build(DisplayConfig.Default).Performance.Samples;
        Assert.InRange(samplesBefore, 0, 1);
        Assert.True(SpinWait.SpinUntil(() => engine.Snapshot.Version > 0 && recent.Copy(engine.Symbols, engine.Sources).Count > 0, s_hang));
        _ = source.Build(DisplayConfig.Default);
        DashboardView view = source.Build(DisplayConfig.Default); // a later wall-clock instant, the same market instant
        Assert.Equal(ShutdownResult.Drained, session.Stop());

        Assert.Equal(FixedPoint.ToDecimal(engine.Portfolio.EquityRaw), view.Account.Equity);
        Assert.Equal(FixedPoint.ToDecimal(engine.Portfolio.CashRaw), view.Account.Cash);
        Assert.Equal(view.Account.Equity - FixedPoint.ToDecimal(engine.Portfolio.StartingCashRaw), view.Account.TotalPnl);
        string[] held = [.. Enumerable.Range(0, engine.Symbols.Count).Where(s => engine.Portfolio.Quantity(s) != 0).Select(engine.Symbols.GetName)];
        Assert.Equal(held, view.Positions.Select(p => p.Symbol));
        Assert.All(view.Positions, p => Assert.Equal(engine.Portfolio.Quantity(engine.Symbols.GetId(p.Symbol)), p.Quantity));
        Assert.NotEmpty(view.Signals);
        Assert.All(view.Signals.Where(s => s.Fate is SignalFate.Executed or SignalFate.Filled), s => Assert.StartsWith("#", s.Detail, StringComparison.Ordinal));
        Assert.Contains(view.Components, c => c.Name == "engine");
        Assert.InRange(view.Engine.Events, 5_000, engine.Counters.Events); // every tick was in; the snapshot requests and the shutdown add a few after
        Assert.Equal(1, view.Performance.Samples); // one equity sample per market instant: the feed had ended, market time stood still between the frames
        Assert.True(view.MarketTimeNs > 0, "the view carries the market's clock");
    }
}
