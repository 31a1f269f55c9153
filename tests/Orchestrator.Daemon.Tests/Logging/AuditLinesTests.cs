using System.Text;
using System.Text.Json;
using NLog;
using NLog.Config;
using NLog.Layouts;
using Orchestrator.Core;
using Orchestrator.Daemon.Display;
using Orchestrator.Daemon.Logging;
using Orchestrator.Engine.Audit;
using Xunit.Abstractions;

namespace Orchestrator.Daemon.Tests.Logging;

/// <summary>
/// Issue 16: the audit stream rendered as UTF-8 into reused buffers and written in batches — the
/// same lines as before, byte for byte, no allocation per record, and nothing lost at full rate.
/// </summary>
public sealed class AuditLinesTests(ITestOutputHelper output) : IDisposable
{
    private static readonly SymbolTable s_symbols = new(["AAPL", "BRK.B", "005930"]);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "orc-audit-lines-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    /// <summary>Records of every kind, with the figures that stress the formatting (decimals, thousands, rounding, agent text).</summary>
    internal static List<AuditRecord> EveryKind(TextInterner sources, TextInterner reasons)
    {
        int plainSource = sources.Intern("momentum-bot");
        int oddSource = sources.Intern("agent \"x\"\\y\u0007\u2028é한");
        int reason = reasons.Intern("breakout \"above\" 200-day\nmean\t\\ ok ü");
        long[] prices = [1, 10_000, 183_690_000, 121_360_650, 1_234_567_891_234, 999_999_999_999_999, -2_500_000, 150_000_000];
        int[] confidences = [0, 1, 4_999, 5_000, 750_000, 994_999, 995_000, 1_000_000, -5_000, -4_999];
        long[] bps = [0, 5, 10, 135, 140, 100, 12_345, -5, -140];
        var records = new List<AuditRecord>();
        foreach (AuditKind kind in Enum.GetValues<AuditKind>().Append((AuditKind)200))
        {
            for (int v = 0; v < prices.Length; v++)
            {
                records.Add(new AuditRecord
                {
                    Kind = kind,
                    SymbolId = v % 4, // 3 = an unknown id, "?"
                    Side = (Side)(v % 3),
                    Origin = (IntentOrigin)(v % 8),
                    Reason = v == 7 ? (RejectReason)250 : (RejectReason)(v * 3 % 25),
                    OrderType = (OrderType)(v % 5),
                    Quantity = v == 0 ? 0 : v * 37,
                    PriceRaw = prices[v],
                    ConfidencePpm = confidences[v % confidences.Length],
                    ClientOrderId = v == 0 ? 0 : 1796544454741782498 + v,
                    SignalId = v % 2 == 0 ? 0 : 9_000_000 + v,
                    SourceId = v % 3 == 0 ? 0 : v % 3 == 1 ? plainSource : oddSource,
                    ReasonTextId = v % 2 == 0 ? reason : 0,
                    Value = kind is AuditKind.RiskPassed ? bps[v % bps.Length] : kind is AuditKind.RuleSignal ? v % 3 : kind is AuditKind.DayStarted ? prices[v] : v * 11,
                    TsEventNs = v == 1 ? 0 : 1737595279000000000 + v,
                    Mode = (Engine.Options.ConsolidationMode)(v % 6), // 5 = an undefined mode
                    PeerSourceId = v % 3 == 2 ? plainSource : v % 3 == 1 ? oddSource : 0,
                    SupportPpm = prices[v] % 100_000_000,
                    NeededPpm = v * 500_000,
                });
            }
        }

        return records;
    }

    [Fact]
    public void HumanAndJsonLines_OfEveryAuditKind_AreByteForByteWhatTheNLogPipelineWrote()
    {
        var sources = new TextInterner();
        var reasons = new TextInterner();
        var legacy = new LegacyAuditFormatter(s_symbols, sources, reasons, "₩");
        var formatter = new AuditFormatter(s_symbols, sources, reasons, "₩");
        var usd = new AuditFormatter(s_symbols, sources, reasons);
        var legacyUsd = new LegacyAuditFormatter(s_symbols, sources, reasons);
        LogSetup.BuildConfiguration(_dir, console: false); // registers ${orc-level}
        var human = new SimpleLayout(LogSetup.HumanLayout);
        Layout json = LogSetup.BuildConfiguration(_dir, console: false).FindTargetByName<OrchestratorFileTarget>(LogSetup.JsonFileTarget)!.Layout;
        var message = new Utf8LineBuffer();
        var line = new Utf8LineBuffer();
        var localTime = new DateTime(2026, 12, 6, 8, 7, 52, 474, DateTimeKind.Local).AddTicks(8559);
        int compared = 0;

        foreach (AuditRecord record in EveryKind(sources, reasons))
        {
            Assert.Equal(legacyUsd.Format(record), usd.Format(record));
            (AuditLevel level, string expectedMessage) = legacy.Format(record);
            message.Clear();
            formatter.FormatMessage(record, message);
            Assert.Equal(expectedMessage, Encoding.UTF8.GetString(message.Written));
            Assert.Equal(level, AuditFormatter.LevelOf(record));

            LogEventInfo nlogEvent = LegacyAuditFields.Event(level, expectedMessage, record, s_symbols, sources);
            nlogEvent.TimeStamp = localTime;
            NLogAuditWriter.RenderHuman(level, message.Written, localTime, line);
            Assert.Equal(human.Render(nlogEvent) + "\n", Encoding.UTF8.GetString(line.Written));
            NLogAuditWriter.RenderJson(level, message.Written, record, s_symbols, line, localTime.ToUniversalTime(), sources);
            Assert.Equal(json.Render(nlogEvent) + "\n", Encoding.UTF8.GetString(line.Written));
            compared++;
        }

        Assert.Equal((Enum.GetValues<AuditKind>().Length + 1) * 8, compared);
    }

    [Fact]
    public void RenderingAndWritingEveryAuditKind_ToTheRealFiles_AllocatesNothing_AfterWarmUp()
    {
        var sources = new TextInterner();
        var reasons = new TextInterner();
        List<AuditRecord> records = EveryKind(sources, reasons);
        var formatter = new AuditFormatter(s_symbols, sources, reasons);
        using var factory = new LogFactory();
        factory.Configuration = LogSetup.BuildConfiguration(_dir, console: false);
        var writer = new NLogAuditWriter(factory) { Observer = new RecentSignals() };
        writer.Bind(s_symbols, sources); // agent names rendered too (issue 17)
        var message = new Utf8LineBuffer();

        void WriteAll(int rounds)
        {
            for (int round = 0; round < rounds; round++)
            {
                foreach (AuditRecord record in records)
                {
                    message.Clear();
                    formatter.FormatMessage(record, message);
                    writer.Write(AuditFormatter.LevelOf(record), message.Written, record);
                }

                writer.Flush();
            }
        }

        WriteAll(rounds: 20); // warm-up: routes, buffers grown, JIT tiers
        long before = GC.GetAllocatedBytesForCurrentThread();
        WriteAll(rounds: 200);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        factory.Shutdown();

        Assert.Equal(0, allocated);
        int written = 220 * records.Count;
        Assert.Equal(written, File.ReadLines(Path.Combine(_dir, "orchestrator.jsonl")).Count());
        Assert.Equal(written, File.ReadLines(Path.Combine(_dir, "orchestrator.log")).Count());
    }

    [Fact]
    public void AMillionRecords_PublishedAsFastAsTheRingTakesThem_AllReachBothFiles_InOrder()
    {
        const int count = 1_000_000;
        var sources = new TextInterner();
        var reasons = new TextInterner();
        using var factory = new LogFactory();
        factory.Configuration = LogSetup.BuildConfiguration(_dir, console: false);
        var writer = new NLogAuditWriter(factory);
        writer.Bind(s_symbols);
        var trail = new AuditTrail(new AuditFormatter(s_symbols, sources, reasons), writer);
        trail.Start();
        long waits = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            var record = new AuditRecord { Kind = AuditKind.OrderFilled, SymbolId = i % 3, Side = Side.Buy, Quantity = 5, PriceRaw = 183_690_000, ClientOrderId = i + 1, TsEventNs = i + 1 };
            while (!trail.TryPublish(record))
            {
                waits++; // the producer waits for the audit thread (the engine never does: it drops and counts)
                Thread.Yield();
            }
        }

        trail.Shutdown(TimeSpan.FromMinutes(5)); // renders everything handed off (Written below says whether it did)
        double seconds = clock.Elapsed.TotalSeconds;
        factory.Shutdown();

        Assert.Equal(count, trail.Written);
        long expectedId = 1;
        foreach (string file in Archives("orchestrator*.jsonl"))
        {
            foreach (string text in File.ReadLines(file))
            {
                Assert.True(text.Contains($"\"order_id\":{expectedId},", StringComparison.Ordinal), $"{Path.GetFileName(file)}: expected order {expectedId}, found {text}");
                expectedId++;
            }
        }

        Assert.Equal(count + 1, expectedId); // every record once, in order, across the rolls
        Assert.Equal(count, Archives("orchestrator*.log").Sum(f => File.ReadLines(f).LongCount()));
        output.WriteLine($"{count} records in {seconds:0.00} s ({count / seconds:0} records/s sustained to both files; the producer found the ring full {waits} times)");
    }

    [Fact]
    public async Task AuditLinesAndNLogsOwnLines_ShareEachFile_WholeLinesOnly()
    {
        const int count = 20_000;
        var sources = new TextInterner();
        var formatter = new AuditFormatter(s_symbols, sources, new TextInterner());
        using var factory = new LogFactory();
        factory.Configuration = LogSetup.BuildConfiguration(_dir, console: false);
        var writer = new NLogAuditWriter(factory);
        writer.Bind(s_symbols);
        Logger agents = factory.GetLogger("Orchestrator.Agents");
        Task nlogLines = Task.Run(() =>
        {
            for (int i = 0; i < count; i++)
            {
                agents.Info("agent line {0} \"quoted\"", i);
            }
        });
        var message = new Utf8LineBuffer();
        for (int i = 0; i < count; i++)
        {
            var record = new AuditRecord { Kind = AuditKind.RuleSignal, SymbolId = i % 3, Side = Side.Sell, PriceRaw = 1_234_500_000 + i, ConfidencePpm = 750_000, TsEventNs = i + 1 };
            message.Clear();
            formatter.FormatMessage(record, message);
            writer.Write(AuditFormatter.LevelOf(record), message.Written, record);
            if (i % 64 == 0)
            {
                writer.Flush();
            }
        }

        writer.Flush();
        await nlogLines.WaitAsync(TimeSpan.FromMinutes(2)); // hang guard
        factory.Shutdown();

        string[] json = [.. File.ReadLines(Path.Combine(_dir, "orchestrator.jsonl"))];
        JsonElement[] parsed = [.. json.Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.Clone())]; // every line whole
        Assert.Equal(count, parsed.Count(e => e.TryGetProperty("event", out JsonElement ev) && ev.GetString() == "rule_signal"));
        Assert.Equal(count, parsed.Count(e => e.GetProperty("logger").GetString() == "Orchestrator.Agents"));
        string[] human = [.. File.ReadLines(Path.Combine(_dir, "orchestrator.log"))];
        Assert.Equal(2 * count, human.Length);
        Assert.All(human, line => Assert.Matches(@"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] \[(ORCHESTRATOR|AGENTS)\] \[INFO\] (Signal generated: |agent line )", line));
    }

    [Fact]
    public void AuditLines_GoWhereTheRulesForTheOrchestratorLoggerSendThemAtTheirLevel()
    {
        LoggingConfiguration full = LogSetup.BuildConfiguration(_dir, console: false);
        var config = new LoggingConfiguration();
        config.AddRule(LogLevel.Warn, LogLevel.Fatal, full.FindTargetByName(LogSetup.JsonFileTarget)!, "Orchestrator");
        config.AddRule(LogLevel.Info, LogLevel.Fatal, full.FindTargetByName(LogSetup.RollingFileTarget)!, "Orchestrator.*"); // not the audit's logger
        using var factory = new LogFactory { Configuration = config };
        var writer = new NLogAuditWriter(factory);

        writer.Write(AuditLevel.Info, "Order accepted: id 1 AAPL"u8, new AuditRecord { Kind = AuditKind.OrderAccepted, ClientOrderId = 1 });
        writer.Write(AuditLevel.Warning, "Order rejected by broker: id 2 AAPL BUY (BrokerRejected)"u8, new AuditRecord { Kind = AuditKind.OrderRejected, ClientOrderId = 2 });
        writer.Flush();
        factory.Shutdown();

        string json = Assert.Single(File.ReadLines(Path.Combine(_dir, "orchestrator.jsonl")));
        Assert.Contains("\"level\":\"WARNING\"", json, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "orchestrator.log")) && File.ReadLines(Path.Combine(_dir, "orchestrator.log")).Any());
    }

    [Fact]
    public void AnNLogConfigWhoseOrchestratorRulesNameOtherTargets_IsToldWhichGetNoAuditLines()
    {
        var config = new LoggingConfiguration();
        var plain = new NLog.Targets.MemoryTarget("plain") { Layout = "${logger}|${level}|${message}" };
        config.AddRule(LogLevel.Info, LogLevel.Fatal, plain);
        using var factory = new LogFactory { Configuration = config };
        var writer = new NLogAuditWriter(factory);

        writer.Write(AuditLevel.Info, "Order accepted: id 1 AAPL"u8, new AuditRecord { Kind = AuditKind.OrderAccepted, ClientOrderId = 1 });
        writer.Write(AuditLevel.Info, "Order accepted: id 2 AAPL"u8, new AuditRecord { Kind = AuditKind.OrderAccepted, ClientOrderId = 2 });

        string warning = Assert.Single(plain.Logs); // once, not per record; the audit line itself is not there
        Assert.StartsWith("Orchestrator.Logging|Warn|Audit lines are written only to OrchestratorFile and OrchestratorConsole targets", warning, StringComparison.Ordinal);
        Assert.Contains("plain", warning, StringComparison.Ordinal);
    }

    /// <summary>The rolled files oldest first, then the live one.</summary>
    private IEnumerable<string> Archives(string pattern) =>
        Directory.EnumerateFiles(_dir, pattern)
            .OrderBy(f => Path.GetFileNameWithoutExtension(f).Contains('_', StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(f => f, StringComparer.Ordinal);
}
