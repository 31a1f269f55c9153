using System.Text;
using Orchestrator.Daemon.Logging;

namespace Orchestrator.Daemon.Tests.Logging;

/// <summary><c>orchestrator tail</c>: filters the JSON log, prints human lines, follows appends and rolls.</summary>
public sealed class LogTailTests : IDisposable
{
    private static readonly string[] s_sample =
    [
        """{"time":"2026-11-25T17:44:40Z","level":"INFO","logger":"Orchestrator","message":"Status: events=10","event":"status","equity":100000}""",
        """{"time":"2026-11-25T17:44:41Z","level":"INFO","logger":"Orchestrator","message":"Signal generated: AAPL BUY","event":"rule_signal","symbol":"AAPL","side":"BUY"}""",
        """{"time":"2026-11-25T17:44:42Z","level":"WARNING","logger":"Orchestrator","message":"Risk check failed: AMZN SELL rejected (NoPosition)","event":"risk_rejected","symbol":"AMZN","side":"SELL","reason":"NoPosition"}""",
        """{"time":"2026-11-25T17:44:43Z","level":"INFO","logger":"Orchestrator","message":"Order submitted: AAPL 12 shares BUY","event":"order_submitted","symbol":"AAPL","qty":12,"order_id":7}""",
        "this is not JSON",
        """{"time":"2026-11-25T17:44:44Z","level":"INFO","logger":"Orchestrator","message":"Order filled: AAPL 12 shares BUY @ $121.36","event":"order_filled","symbol":"AAPL","qty":12,"price":121.36,"order_id":7}""",
        """{"time":"2026-11-25T17:44:45Z","level":"WARNING","logger":"Orchestrator","message":"Order rejected by broker: NVDA","event":"order_rejected","symbol":"NVDA","reason":"BrokerRejected"}""",
        """{"time":"2026-11-25T17:44:46Z","level":"CRITICAL","logger":"Orchestrator.Alerts","message":"Alert: broker outage","alert":"broker_outage"}""",
        """{"time":"2026-11-25T17:44:47Z","level":"ERROR","logger":"Orchestrator","message":"Something failed"}""",
        """{"level":""",
        "[1, 2]",
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("orc-tail-").FullName;

    private string SampleLog()
    {
        string path = Path.Combine(_dir, "orchestrator.jsonl");
        File.WriteAllLines(path, s_sample);
        return path;
    }

    public static TheoryData<string?, string?, string?, string[]> Filters => new()
    {
        { null, null, null, ["Status: events=10", "Signal generated: AAPL BUY", "Risk check failed: AMZN SELL rejected (NoPosition)", "Order submitted: AAPL 12 shares BUY", "Order filled: AAPL 12 shares BUY @ $121.36", "Order rejected by broker: NVDA", "Alert: broker outage", "Something failed"] },
        { "WARNING", null, null, ["Risk check failed: AMZN SELL rejected (NoPosition)", "Order rejected by broker: NVDA", "Alert: broker outage", "Something failed"] },
        { "ERROR", null, null, ["Alert: broker outage", "Something failed"] },
        { "CRITICAL", null, null, ["Alert: broker outage"] },
        { null, "AAPL", null, ["Signal generated: AAPL BUY", "Order submitted: AAPL 12 shares BUY", "Order filled: AAPL 12 shares BUY @ $121.36"] },
        { null, "nvda", null, ["Order rejected by broker: NVDA"] },
        { null, null, "orders", ["Order submitted: AAPL 12 shares BUY", "Order filled: AAPL 12 shares BUY @ $121.36", "Order rejected by broker: NVDA"] },
        { null, null, "signals", ["Signal generated: AAPL BUY"] },
        { null, null, "rejects", ["Risk check failed: AMZN SELL rejected (NoPosition)", "Order rejected by broker: NVDA"] },
        { null, null, "alerts", ["Alert: broker outage"] },
        { null, "AAPL", "orders", ["Order submitted: AAPL 12 shares BUY", "Order filled: AAPL 12 shares BUY @ $121.36"] },
        { "WARNING", "AAPL", null, [] },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Tail_PrintsExactlyTheLinesTheFiltersPass_AndCountsTheMalformed(string? level, string? symbol, string? kind, string[] expected)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = await TailCommand.RunAsync(SampleLog(), follow: false, level, symbol, kind, colour: false, output, error, CancellationToken.None);

        Assert.Equal(0, exit);
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(expected, lines.Select(MessageOf));
        Assert.Equal("3 malformed line(s) skipped", error.ToString().Trim());
    }

    [Fact]
    public async Task Tail_PrintsHumanLines_WithTimeLevelAndSymbol_ColouredOnlyWhenAsked()
    {
        var plain = new StringWriter();
        var coloured = new StringWriter();
        string path = SampleLog();

        await TailCommand.RunAsync(path, false, null, "AMZN", null, colour: false, plain, TextWriter.Null, CancellationToken.None);
        await TailCommand.RunAsync(path, false, null, "AMZN", null, colour: true, coloured, TextWriter.Null, CancellationToken.None);

        Assert.Equal("[2026-11-25 17:44:42] [WARNING] [AMZN] Risk check failed: AMZN SELL rejected (NoPosition)", plain.ToString().Trim());
        Assert.DoesNotContain('\u001b', plain.ToString());
        Assert.Equal("\u001b[33m" + plain.ToString().Trim() + "\u001b[0m", coloured.ToString().Trim());
    }

    [Theory]
    [InlineData("--level", "LOUD")]
    [InlineData("--kind", "trades")]
    public async Task Tail_WithABadFilter_ExitsWithCode2AndSaysWhy(string option, string value)
    {
        var error = new StringWriter();
        int exit = await TailCommand.RunAsync(SampleLog(), false, option == "--level" ? value : null, null, option == "--kind" ? value : null, false, TextWriter.Null, error, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.StartsWith(option + ":", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Follow_PrintsLinesAppendedAfterTheStart_AndGoesOnAfterTheLogIsRolled()
    {
        TimeSpan hangGuard = TimeSpan.FromSeconds(30);
        string path = Path.Combine(_dir, "orchestrator.jsonl");
        File.WriteAllLines(path, [Line("first", "AAPL")]);
        var output = new WaitableWriter();
        using var stop = new CancellationTokenSource();
        var tail = new LogTail(path, new TailFilter(Symbol: "AAPL"), output, colour: false);

        Task<TailResult> running = tail.RunAsync(follow: true, stop.Token);
        await tail.CaughtUp.WaitAsync(hangGuard);
        Assert.Contains("first", output.Text, StringComparison.Ordinal);

        await File.AppendAllLinesAsync(path, [Line("other symbol", "MSFT"), "garbage", Line("appended", "AAPL")]);
        await output.WaitForAsync("appended", hangGuard);

        // NLog's roll: the file is renamed and a new one takes its name.
        await File.AppendAllLinesAsync(path, [Line("last of the old file", "AAPL")]);
        File.Move(path, Path.Combine(_dir, "orchestrator.1.jsonl"));
        await File.WriteAllLinesAsync(path, [Line("in the new file", "AAPL")]);
        await output.WaitForAsync("in the new file", hangGuard);

        await stop.CancelAsync();
        TailResult result = await running.WaitAsync(hangGuard);
        Assert.Equal(["first", "appended", "last of the old file", "in the new file"], output.Lines.Select(MessageOf));
        Assert.Equal((4L, 1L, 1L), (result.Printed, result.Skipped, result.Malformed));
    }

    [Fact]
    public async Task TheJsonLog_RollsLikeTheHumanLog_KeepsABoundedNumberOfArchives_AndTailFollowsEveryRoll()
    {
        // The committed config/NLog.config with a small roll size (issue 15 item 27: orchestrator.jsonl never rolled).
        const int rollBytes = 2048, archives = 3, batches = 30, linesPerBatch = 4;
        string shipped = File.ReadAllText(Path.Combine(LoggingSetupTests.RepoRoot(), "config", "NLog.config"));
        Assert.Equal(2, CountOf(shipped, $"archiveAboveSize=\"{LogSetup.RollingFileMaxBytes}\"")); // both files roll
        Assert.Equal(2, CountOf(shipped, $"maxArchiveFiles=\"{LogSetup.RollingFileArchives}\""));
        string configPath = Path.Combine(_dir, "NLog.config");
        File.WriteAllText(configPath, shipped
            .Replace($"archiveAboveSize=\"{LogSetup.RollingFileMaxBytes}\"", $"archiveAboveSize=\"{rollBytes}\"", StringComparison.Ordinal)
            .Replace($"maxArchiveFiles=\"{LogSetup.RollingFileArchives}\"", $"maxArchiveFiles=\"{archives}\"", StringComparison.Ordinal)
            .Replace("${gdc:item=logdir}", _dir, StringComparison.Ordinal)
            .Replace("writeTo=\"console,json,file\"", "writeTo=\"json,file\"", StringComparison.Ordinal));
        LogSetup.BuildConfiguration(_dir, console: false); // registers ${orc-level}
        using var factory = new NLog.LogFactory();
        factory.Configuration = new NLog.Config.XmlLoggingConfiguration(configPath, factory);
        NLog.Logger logger = factory.GetLogger("Orchestrator");

        TimeSpan hangGuard = TimeSpan.FromSeconds(30);
        string path = Path.Combine(_dir, "orchestrator.jsonl");
        var output = new WaitableWriter();
        using var stop = new CancellationTokenSource();
        var tail = new LogTail(path, new TailFilter(), output, colour: false);
        Task<TailResult> running = tail.RunAsync(follow: true, stop.Token);
        await tail.CaughtUp.WaitAsync(hangGuard);

        // A batch is smaller than a roll, so at most one roll happens before the tail has read it all.
        var expected = new List<string>();
        for (int b = 0; b < batches; b++)
        {
            for (int i = 0; i < linesPerBatch; i++)
            {
                string message = $"line {b:D2}.{i} " + new string('x', 300);
                logger.Info(message);
                expected.Add(message);
            }

            Task seen = output.WaitForAsync(expected[^1], hangGuard);
            Assert.True(await Task.WhenAny(seen, Task.Delay(hangGuard)) == seen,
                $"tail did not print '{expected[^1][..12]}' after batch {b}; printed {output.Lines.Count}; files: {string.Join(", ", Directory.EnumerateFiles(_dir).Select(f => Path.GetFileName(f) + " " + new FileInfo(f).Length))}");
        }

        await stop.CancelAsync();
        await running.WaitAsync(hangGuard);
        factory.Shutdown();

        Assert.Equal(expected, output.Lines.Select(MessageOf)); // every line once, in order, across every roll
        string[] rolled = [.. Directory.EnumerateFiles(_dir, "orchestrator*.jsonl").Where(f => Path.GetFileName(f) != "orchestrator.jsonl")];
        Assert.NotEmpty(rolled); // it rolled
        Assert.True(rolled.Length <= archives, string.Join(", ", rolled)); // and only the newest archives are kept
        Assert.True(new FileInfo(path).Length <= rollBytes + 1024, "the live file stays near the roll size");
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;

    private static string Line(string message, string symbol) =>
        $$"""{"time":"2026-11-25T17:44:40Z","level":"INFO","logger":"Orchestrator","message":"{{message}}","symbol":"{{symbol}}"}""";

    /// <summary>The message part of a printed line: after "[time] [LEVEL] [SYMBOL] ".</summary>
    private static string MessageOf(string line)
    {
        int at = line.IndexOf("] ", line.IndexOf("] [", StringComparison.Ordinal) + 3, StringComparison.Ordinal) + 2;
        return line.StartsWith('[') && line.Length > at && line[at] == '[' ? line[(line.IndexOf("] ", at, StringComparison.Ordinal) + 2)..] : line[at..];
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A writer a test can wait on: completes a wait once a written line contains the text.</summary>
    private sealed class WaitableWriter : TextWriter
    {
        private readonly object _gate = new();
        private readonly List<string> _lines = [];
        private readonly List<(string Text, TaskCompletionSource Seen)> _waiters = [];

        public override Encoding Encoding => Encoding.UTF8;

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_gate)
                {
                    return [.. _lines];
                }
            }
        }

        public string Text => string.Join('\n', Lines);

        public override void WriteLine(string? value)
        {
            lock (_gate)
            {
                _lines.Add(value ?? string.Empty);
                foreach ((string text, TaskCompletionSource seen) in _waiters)
                {
                    if (value?.Contains(text, StringComparison.Ordinal) == true)
                    {
                        seen.TrySetResult();
                    }
                }
            }
        }

        public Task WaitForAsync(string text, TimeSpan hangGuard)
        {
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (_lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
                {
                    return Task.CompletedTask;
                }

                _waiters.Add((text, seen));
            }

            return seen.Task.WaitAsync(hangGuard);
        }
    }
}
