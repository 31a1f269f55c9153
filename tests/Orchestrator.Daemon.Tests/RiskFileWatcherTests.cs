using Orchestrator.Core;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Daemon.Tests;

public sealed class RiskFileWatcherTests : IDisposable
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-watch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void EditingTheRiskFile_AppliesValidChanges_AndRejectsInvalidOnesKeepingTheLimits()
    {
        string riskFile = Path.Combine(_dir, ConfigLoader.RiskFile);
        const string NoRules = "rules: { momentum: { enabled: false }, rsi_reversion: { enabled: false } }\n"; // only this test's signal decides
        File.WriteAllText(riskFile, "min_confidence: 0.6\nduplicate_window: 0s\n" + NoRules);
        (DaemonConfig? config, _) = ConfigLoader.Load(_dir);
        SessionOptions options = DaemonCli.BuildOptions(config!, seed: 3, ticksPerSecond: 500, WaitStrategyKind.Blocking) with { WatchConfigDirectory = _dir };
        using var session = new TradingSession(options, NullAuditWriter.Instance);
        session.Start("test");
        TradingEngine engine = session.Engine;
        Assert.True(SpinWait.SpinUntil(() => engine.Market.LastRaw(0) > 0, s_hang), "market data");

        File.WriteAllText(riskFile, "min_confidence: 0.95\nduplicate_window: 0s\n" + NoRules);
        Assert.True(SpinWait.SpinUntil(() => engine.Risk.AppliedParametersVersion == 1, s_hang), "the valid edit was applied");
        engine.PublishSignal(0, Side.Buy, 900_000, 0, 1, "test", null, engine.Market.LastTsNs(0));
        Assert.True(SpinWait.SpinUntil(() => engine.Counters.Rejects(RejectReason.LowConfidence) == 1, s_hang), "the new limit decided");

        File.WriteAllText(riskFile, "min_confidence: 5\n");
        Assert.True(SpinWait.SpinUntil(() => session.RiskWatcher!.Rejected >= 1, s_hang), "the invalid edit was rejected");
        Assert.Equal(1, engine.Risk.AppliedParametersVersion);
        Assert.Equal(1, session.RiskWatcher!.Applied);

        Assert.Equal(ShutdownResult.Drained, session.Stop());
    }
}
