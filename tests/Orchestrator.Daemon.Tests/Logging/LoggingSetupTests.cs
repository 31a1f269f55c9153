using System.Text.Json;
using NLog;
using NLog.Config;
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

        Assert.NotNull(config.FindTargetByName<OrchestratorConsoleTarget>("console"));
        AssertRolling(config.FindTargetByName<OrchestratorFileTarget>(LogSetup.RollingFileTarget), "orchestrator.log", json: false);
        AssertRolling(config.FindTargetByName<OrchestratorFileTarget>(LogSetup.JsonFileTarget), "orchestrator.jsonl", json: true);
    }

    [Fact]
    public void ShippedNLogConfig_RollsBothFilesLikeTheBuiltInSetup()
    {
        LogSetup.BuildConfiguration(Path.GetTempPath()); // registers ${orc-level}
        GlobalDiagnosticsContext.Set("logdir", Path.GetTempPath());
        var config = new XmlLoggingConfiguration(Path.Combine(RepoRoot(), "config", "NLog.config"));

        Assert.NotNull(config.FindTargetByName<OrchestratorConsoleTarget>("console"));
        AssertRolling(config.FindTargetByName<OrchestratorFileTarget>(LogSetup.RollingFileTarget), "orchestrator.log", json: false);
        AssertRolling(config.FindTargetByName<OrchestratorFileTarget>(LogSetup.JsonFileTarget), "orchestrator.jsonl", json: true);
        Assert.Contains(config.LoggingRules, rule => rule.Targets.Any(t => t.Name == LogSetup.RollingFileTarget));
        Assert.Contains(config.LoggingRules, rule => rule.Targets.Any(t => t.Name == LogSetup.JsonFileTarget));
    }

    private static void AssertRolling(OrchestratorFileTarget? file, string name, bool json)
    {
        Assert.NotNull(file);
        Assert.EndsWith(name, file.FileName.ToString()!.Trim('\''), StringComparison.Ordinal);
        Assert.Equal(json, file.TakesJson); // audit lines: JSON in the .jsonl, human in the .log
        Assert.Equal(LogSetup.RollingFileMaxBytes, file.ArchiveAboveSize); // and it rolls every day (RollingLogFileTests)
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

        JsonElement line = JsonLine(AuditLevel.Info, "Order filled", record, symbols);

        Assert.Equal("order_filled", line.GetProperty("event").GetString());
        Assert.Equal("NVDA", line.GetProperty("symbol").GetString());
        Assert.Equal("BUY", line.GetProperty("side").GetString());
        Assert.Equal(12L, line.GetProperty("qty").GetInt64());
        Assert.Equal(121.36065m, line.GetProperty("price").GetDecimal());
        Assert.Equal(1000000000129L, line.GetProperty("order_id").GetInt64());
        Assert.False(line.TryGetProperty("reason", out _));
    }

    [Fact]
    public void AuditFields_OfARiskReject_CarryTheReason()
    {
        JsonElement line = JsonLine(AuditLevel.Warning, "Risk check failed", new AuditRecord { Kind = AuditKind.RiskRejected, SymbolId = 0, Side = Side.Sell, Reason = RejectReason.NoPosition }, new SymbolTable(["AAPL"]));

        Assert.Equal(("risk_rejected", "AAPL", "NoPosition"), (line.GetProperty("event").GetString(), line.GetProperty("symbol").GetString(), line.GetProperty("reason").GetString()));
    }

    private static JsonElement JsonLine(AuditLevel level, string message, in AuditRecord record, SymbolTable symbols)
    {
        var buffer = new Utf8LineBuffer();
        NLogAuditWriter.RenderJson(level, System.Text.Encoding.UTF8.GetBytes(message), record, symbols, buffer);
        return JsonDocument.Parse(buffer.Written.ToArray()).RootElement.Clone();
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
