using NLog;
using NLog.Config;
using NLog.Targets;
using Orchestrator.Core;
using Orchestrator.Daemon.Logging;
using Orchestrator.Engine.Audit;

namespace Orchestrator.Daemon.Tests.Logging;

/// <summary>The log targets people tail: console, a rolling human file, JSON lines with structured fields.</summary>
public sealed class LoggingSetupTests
{
    [Fact]
    public void BuildConfiguration_HasTheConsole_AndTwoFilesRollingDailyAndBySize()
    {
        string dir = Path.Combine(Path.GetTempPath(), "orc-logs-" + Guid.NewGuid().ToString("N"));
        LoggingConfiguration config = LogSetup.BuildConfiguration(dir);

        Assert.NotNull(config.FindTargetByName<ConsoleTarget>("console"));
        AssertRolling(config.FindTargetByName<FileTarget>(LogSetup.RollingFileTarget), "orchestrator.log");
        AssertRolling(config.FindTargetByName<FileTarget>(LogSetup.JsonFileTarget), "orchestrator.jsonl");
    }

    [Fact]
    public void ShippedNLogConfig_RollsBothFilesLikeTheBuiltInSetup()
    {
        LogSetup.BuildConfiguration(Path.GetTempPath()); // registers ${orc-level}
        GlobalDiagnosticsContext.Set("logdir", Path.GetTempPath());
        var config = new XmlLoggingConfiguration(Path.Combine(RepoRoot(), "config", "NLog.config"));

        AssertRolling(config.FindTargetByName<FileTarget>(LogSetup.RollingFileTarget), "orchestrator.log");
        AssertRolling(config.FindTargetByName<FileTarget>(LogSetup.JsonFileTarget), "orchestrator.jsonl");
        Assert.Contains(config.LoggingRules, rule => rule.Targets.Any(t => t.Name == LogSetup.RollingFileTarget));
        Assert.Contains(config.LoggingRules, rule => rule.Targets.Any(t => t.Name == LogSetup.JsonFileTarget));
    }

    private static void AssertRolling(FileTarget? file, string name)
    {
        Assert.NotNull(file);
        Assert.EndsWith(name, file.FileName.ToString()!.Trim('\''), StringComparison.Ordinal);
        Assert.Equal(file.FileName.ToString(), file.ArchiveFileName?.ToString()); // rename on roll: the live file keeps its name
        Assert.Equal(FileArchivePeriod.Day, file.ArchiveEvery);
        Assert.Equal(LogSetup.RollingFileMaxBytes, file.ArchiveAboveSize);
        Assert.Equal(LogSetup.RollingFileArchives, file.MaxArchiveFiles);
    }

    [Fact]
    public void SuspendConsole_TakesTheConsoleOutOfEveryRule_KeepsTheFiles_AndPutsItBack()
    {
        using var factory = new LogFactory();
        factory.Configuration = LogSetup.BuildConfiguration(Path.Combine(Path.GetTempPath(), "orc-suspend-" + Guid.NewGuid().ToString("N")));
        string[] TargetsNow() => [.. factory.Configuration!.LoggingRules.SelectMany(r => r.Targets).Select(t => t.Name).Order(StringComparer.Ordinal)];
        string[] before = TargetsNow();
        Assert.Contains("console", before);

        IDisposable suspended = LogSetup.SuspendConsole(factory);
        Assert.Equal(before.Where(n => n != "console"), TargetsNow());

        suspended.Dispose();
        suspended.Dispose(); // once only
        Assert.Equal(before, TargetsNow());
    }

    [Fact]
    public void AuditFields_OfAFill_AreTheJsonLogsStructuredFields()
    {
        var symbols = new SymbolTable(["AAPL", "NVDA"]);
        var record = new AuditRecord
        {
            Kind = AuditKind.OrderFilled,
            SymbolId = 1,
            Side = Side.Buy,
            Quantity = 12,
            PriceRaw = FixedPoint.FromDecimal(121.36065m),
            ClientOrderId = 1000000000129,
            TsEventNs = 42,
        };
        var info = LogEventInfo.Create(LogLevel.Info, "Orchestrator", "Order filled");

        NLogAuditWriter.AddFields(info, record, symbols);

        Assert.Equal("order_filled", info.Properties["event"]);
        Assert.Equal("NVDA", info.Properties["symbol"]);
        Assert.Equal("BUY", info.Properties["side"]);
        Assert.Equal(12L, info.Properties["qty"]);
        Assert.Equal(121.36065m, info.Properties["price"]);
        Assert.Equal(1000000000129L, info.Properties["order_id"]);
        Assert.False(info.Properties.ContainsKey("reason"));
    }

    [Fact]
    public void AuditFields_OfARiskReject_CarryTheReason()
    {
        var info = LogEventInfo.Create(LogLevel.Warn, "Orchestrator", "Risk check failed");
        NLogAuditWriter.AddFields(info, new AuditRecord { Kind = AuditKind.RiskRejected, SymbolId = 0, Side = Side.Sell, Reason = RejectReason.NoPosition }, new SymbolTable(["AAPL"]));

        Assert.Equal(("risk_rejected", "AAPL", "NoPosition"), (info.Properties["event"], info.Properties["symbol"], info.Properties["reason"]));
    }

    internal static string RepoRoot()
    {
        DirectoryInfo? dir = new(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Orchestrator.LowLatency.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
