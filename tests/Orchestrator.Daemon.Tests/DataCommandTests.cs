using System.Globalization;
using System.Text;

namespace Orchestrator.Daemon.Tests;

/// <summary>The catalog from the command line on real files: import → list → verify → backtest, and the same report as the CSV.</summary>
public sealed class DataCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-data-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Path(string name) => System.IO.Path.Combine(_dir, name);

    /// <summary>Minute bars for three symbols over four days (time order, symbols in ordinal order), a seeded random walk.</summary>
    private string Bars()
    {
        var random = new Random(11);
        var csv = new StringBuilder("timestamp,symbol,open,high,low,close,volume\n");
        string[] symbols = ["AAPL", "MSFT", "NVDA"];
        decimal[] price = [180m, 370m, 120m];
        for (int day = 0; day < 4; day++)
        {
            for (int minute = 0; minute < 390; minute++)
            {
                DateTime t = new DateTime(2024, 1, 2, 14, 30, 0, DateTimeKind.Utc).AddDays(day).AddMinutes(minute);
                for (int s = 0; s < symbols.Length; s++)
                {
                    decimal open = price[s];
                    decimal close = Math.Round(open * (1 + ((decimal)random.NextDouble() - 0.5m) / 100m), 2);
                    price[s] = close;
                    csv.Append(CultureInfo.InvariantCulture, $"{t:yyyy-MM-ddTHH:mm:ssZ},{symbols[s]},{open},{Math.Max(open, close) + 0.05m},{Math.Min(open, close) - 0.05m},{close},1000\n");
                }
            }
        }

        string path = Path("bars.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    private static int Call(Func<TextWriter, TextWriter, int> command, out string stdout, out string stderr)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = command(output, error);
        stdout = output.ToString();
        stderr = error.ToString();
        return code;
    }

    private BacktestArguments Args(string report, string data = "", string? catalog = null, string? symbols = null, string? from = null, string? to = null) =>
        new(data, "rules", from, to, Path("no-config"), report, null, null, "single", Deterministic: true, Catalog: catalog, Symbols: symbols);

    [Fact]
    public void ImportListVerifyBacktest_GivesTheCsvsReport_ByteForByte()
    {
        string csv = Bars();
        string catalog = Path("catalog");
        Assert.Equal(0, Call((o, e) => DataCommand.Import([csv], catalog, "lz4", o, e), out string imported, out string importErrors));
        Assert.Contains("imported 4,680 rows into 12 day file(s)", imported, StringComparison.Ordinal);
        Assert.Equal(string.Empty, importErrors);

        Assert.Equal(0, Call((o, e) => DataCommand.List(catalog, o, e), out string listed, out _));
        Assert.Contains("3 symbol(s), 12 day file(s), 4,680 rows", listed, StringComparison.Ordinal);
        Assert.Contains("MSFT", listed, StringComparison.Ordinal);
        Assert.Contains("2024-01-02T14:30:00Z .. 2024-01-05T20:59:00Z", listed, StringComparison.Ordinal);

        Assert.Equal(0, Call((o, e) => DataCommand.Verify(catalog, o, e), out string verified, out _));
        Assert.Contains("verified 12 day file(s), 4,680 rows", verified, StringComparison.Ordinal);

        Assert.Equal(0, Call((o, e) => BacktestCommand.Run(Args(Path("csv.json"), data: csv), o, e), out _, out string csvErrors));
        Assert.Equal(0, Call((o, e) => BacktestCommand.Run(Args(Path("catalog.json"), catalog: catalog), o, e), out string summary, out string catalogErrors));
        Assert.Contains("total return", summary, StringComparison.Ordinal);
        Assert.True(csvErrors.Length == 0 && catalogErrors.Length == 0, csvErrors + catalogErrors);
        Assert.True(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path("catalog.json")))!["trade_count"]!.GetValue<int>() > 0, "the rules trade on this data");
        Assert.Equal(File.ReadAllBytes(Path("csv.json")), File.ReadAllBytes(Path("catalog.json")));
    }

    [Fact]
    public void SymbolsAndARange_GiveTheSameReportAsTheCsvOverThatRange()
    {
        string csv = Bars();
        string catalog = Path("catalog");
        Assert.Equal(0, Call((o, e) => DataCommand.Import([csv], catalog, "zstd", o, e), out _, out _));

        // The CSV without NVDA: the catalog's --symbols leaves NVDA out the same way.
        string twoSymbols = Path("two.csv");
        File.WriteAllLines(twoSymbols, File.ReadLines(csv).Where(l => !l.Contains(",NVDA,", StringComparison.Ordinal)));
        Assert.Equal(0, Call((o, e) => BacktestCommand.Run(Args(Path("csv.json"), data: twoSymbols, from: "2024-01-03", to: "2024-01-04"), o, e), out _, out _));
        Assert.Equal(0, Call((o, e) => BacktestCommand.Run(Args(Path("catalog.json"), catalog: catalog, symbols: "msft,AAPL", from: "2024-01-03", to: "2024-01-04"), o, e), out _, out string stderr));
        Assert.True(stderr.Length == 0, stderr);
        Assert.Equal(File.ReadAllBytes(Path("csv.json")), File.ReadAllBytes(Path("catalog.json")));
    }

    [Fact]
    public async Task Import_ReadsEachFileOnce_AFifoWhoseBytesCanBeReadOnceImportsWhole()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // mkfifo
        }

        byte[] bytes = File.ReadAllBytes(Bars());
        string fifo = Path("once.csv");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // The writer's open waits for the importer's; its bytes can be read once. A second open (a scan, then the read) would wait for a writer that never comes.
        Task writer = Task.Run(() => File.WriteAllBytes(fifo, bytes));
        string summary = string.Empty;
        Task<int> import = Task.Run(() => Call((o, e) => DataCommand.Import([fifo], Path("catalog"), "lz4", o, e), out summary, out _));
        bool finished = true;
        try
        {
            await Task.WhenAll(writer, import).WaitAsync(TimeSpan.FromMinutes(2)); // a deadlock guard, not a speed figure
        }
        catch (TimeoutException)
        {
            finished = false;
            _ = Task.Run(() => File.WriteAllBytes(fifo, [])); // releases an importer waiting in a second open
        }

        Assert.True(finished, "the import opened the file a second time (a FIFO's second open waits for a writer)");
        Assert.Equal(0, await import);
        int rows = bytes.Count(b => b == (byte)'\n') - 1;
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"imported {rows:N0} rows"), summary, StringComparison.Ordinal);
    }

    [Fact]
    public void BadLines_AreNamedWithFileLineAndReason_AndTheRestIsImported()
    {
        string csv = Path("some-bad.csv");
        File.WriteAllText(csv, "timestamp,symbol,open,high,low,close,volume\n2024-01-02T14:30:00Z,AAPL,10,11,9,10.5,100\n2024-01-02T14:31:00Z,AAPL,10,9,11,10.5,100\nnot-a-time,AAPL,10,11,9,10.5,100\n");
        Assert.Equal(0, Call((o, e) => DataCommand.Import([csv], Path("catalog"), "lz4", o, e), out string summary, out string stderr));

        Assert.Contains("imported 1 rows", summary, StringComparison.Ordinal);
        Assert.Contains("2 rejected", summary, StringComparison.Ordinal);
        Assert.Contains("some-bad.csv line 3 skipped: high < low", stderr, StringComparison.Ordinal);
        Assert.Contains("some-bad.csv line 4 skipped: timestamp", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void BadArguments_AreNamed_WithExitCode2()
    {
        string catalog = Path("catalog");
        Assert.Equal(0, Call((o, e) => DataCommand.Import([Bars()], catalog, "lz4", o, e), out _, out _));

        Assert.Equal(2, Call((o, e) => BacktestCommand.Run(Args(Path("r.json"), catalog: catalog, symbols: "AAPL,TSLA"), o, e), out _, out string unknown));
        Assert.Contains("--symbols: '" + catalog + "' holds no TSLA (it holds AAPL, MSFT, NVDA)", unknown, StringComparison.Ordinal);
        Assert.Equal(2, Call((o, e) => BacktestCommand.Run(Args(Path("r.json"), catalog: Path("nowhere")), o, e), out _, out string missing));
        Assert.Contains("--catalog: directory", missing, StringComparison.Ordinal);
        Assert.Equal(2, Call((o, e) => BacktestCommand.Run(Args(Path("r.json"), data: Path("bars.csv"), catalog: catalog), o, e), out _, out string both));
        Assert.Contains("not both", both, StringComparison.Ordinal);
        Assert.Equal(2, Call((o, e) => DataCommand.Import([Path("none.csv")], catalog, "lz4", o, e), out _, out string noFile));
        Assert.Contains("--from: file", noFile, StringComparison.Ordinal);
        Assert.Equal(2, Call((o, e) => DataCommand.Import([Path("bars.csv")], catalog, "gzip", o, e), out _, out string codec));
        Assert.Contains("--compression: expected lz4, zstd or none, got 'gzip'", codec, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ExitsNonZero_NamingTheBadFile_AndABacktestReachingItFails()
    {
        string catalog = Path("catalog");
        Assert.Equal(0, Call((o, e) => DataCommand.Import([Bars()], catalog, "lz4", o, e), out _, out _));
        string victim = System.IO.Path.Combine(catalog, "bars", "NVDA", "2024-01-03.arrow");
        File.WriteAllBytes(victim, [.. File.ReadAllBytes(victim).Take(100)]);

        Assert.Equal(1, Call((o, e) => DataCommand.Verify(catalog, o, e), out string summary, out string problems));
        Assert.Contains(victim, problems, StringComparison.Ordinal);
        Assert.Contains("1 problem(s)", summary, StringComparison.Ordinal);

        // A backtest reaching the file stops with exit 1 naming it; one whose range leaves the day out runs.
        Assert.Equal(1, Call((o, e) => BacktestCommand.Run(Args(Path("r.json"), catalog: catalog), o, e), out _, out string failed));
        Assert.Contains("backtest failed: Catalog file '" + victim + "'", failed, StringComparison.Ordinal);
        Assert.Equal(0, Call((o, e) => BacktestCommand.Run(Args(Path("r.json"), catalog: catalog, from: "2024-01-04"), o, e), out _, out _));
    }
}
