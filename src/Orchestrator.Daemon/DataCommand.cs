using System.CommandLine;
using System.Globalization;
using NLog;
using NLog.Targets;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Adapters.MarketData.Catalog;

namespace Orchestrator.Daemon;

/// <summary>The <c>data</c> command: a market-data catalog's import, listing and verification.</summary>
public static class DataCommand
{
    public static Command Create()
    {
        var from = new Option<string[]>("--from") { Description = "CSV or JSONL bars or ticks to import (one or more files)", Required = true, AllowMultipleArgumentsPerToken = true };
        var catalog = new Option<string>("--catalog") { Description = "The catalog directory", Required = true };
        var compression = new Option<string>("--compression") { Description = "lz4 (fastest to read) | zstd (smallest) | none", DefaultValueFactory = _ => "lz4" };
        var import = new Command("import", "Import CSV/JSONL bars or ticks into the catalog: one file per kind, symbol and UTC day; a day imported again replaces the old one") { from, catalog, compression };
        import.SetAction(parse => Import(parse.GetValue(from)!, parse.GetValue(catalog)!, parse.GetValue(compression)!, Console.Out, Console.Error));

        var listCatalog = new Option<string>("--catalog") { Description = "The catalog directory", Required = true };
        var list = new Command("list", "Show the catalog's symbols: kind, days, rows, first and last time, missing weekdays") { listCatalog };
        list.SetAction(parse => List(parse.GetValue(listCatalog)!, Console.Out, Console.Error));

        var verifyCatalog = new Option<string>("--catalog") { Description = "The catalog directory", Required = true };
        var verify = new Command("verify", "Read every file of the catalog and check it (readable, sorted, no duplicate bars, rows in their day, counts); exit 1 naming each bad file") { verifyCatalog };
        verify.SetAction(parse => Verify(parse.GetValue(verifyCatalog)!, Console.Out, Console.Error));

        return new Command("data", "Market-data catalog: import CSV/JSONL into columnar day files, list, verify") { import, list, verify };
    }

    /// <summary>0 imported; 1 some file or day could not be imported (each named; the rest was); 2 bad arguments.</summary>
    public static int Import(IReadOnlyList<string> files, string catalog, string compression, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        CatalogCompression? codec = compression.Trim().ToLowerInvariant() switch
        {
            "lz4" => CatalogCompression.Lz4,
            "zstd" => CatalogCompression.Zstd,
            "none" => CatalogCompression.None,
            _ => null,
        };
        var problems = files.Select(f => MarketDataFileReader.PathProblem(f) is { } p ? "--from: " + p : null).OfType<string>().ToList();
        if (codec is null)
        {
            problems.Add($"--compression: expected lz4, zstd or none, got '{compression}'");
        }

        if (files.Count == 0)
        {
            problems.Add("--from: name at least one file");
        }

        if (problems.Count > 0)
        {
            problems.ForEach(error.WriteLine);
            return DaemonCli.ExitConfigError;
        }

        CatalogImportResult result;
        try
        {
            // The reader's warnings (bad lines with file, line and reason) go to the command's error output.
            using var logs = new LogFactory();
            logs.Setup().LoadConfiguration(c => c.ForLogger().FilterMinLevel(LogLevel.Warn).WriteTo(new MethodCallTarget("stderr", (e, _) => error.WriteLine(e.FormattedMessage))));
            result = CatalogImporter.Import(files, catalog, codec!.Value, logs.GetLogger("Orchestrator.MarketData"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine("import failed: " + ex.Message);
            return DaemonCli.ExitFault;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"imported {result.RowsWritten:N0} rows into {result.PartitionsWritten:N0} day file(s) of '{catalog}' in {result.ElapsedSeconds:0.00} s (read {result.ReadSeconds:0.00} s, sort and write {result.ElapsedSeconds - result.ReadSeconds:0.00} s; {result.LinesRead / Math.Max(result.ElapsedSeconds, 1e-9):N0} lines/s); {result.LinesRead:N0} lines read, {result.Rejected:N0} rejected, {result.OutOfOrder:N0} out of order (sorted), {result.Duplicates:N0} duplicate bars dropped"));
        if (result.Rejected > 0)
        {
            error.WriteLine($"{result.Rejected} line(s) were rejected (the first {MarketDataFileReader.MaxLoggedRejects} of each file named above with line and reason)");
        }

        result.Errors.ForEach(error.WriteLine);
        return result.Errors.Count == 0 ? DaemonCli.ExitOk : DaemonCli.ExitFault;
    }

    /// <summary>0 listed (an empty catalog too); 1 a file could not be read; 2 no such directory.</summary>
    public static int List(string catalog, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!Directory.Exists(catalog))
        {
            error.WriteLine($"--catalog: directory '{catalog}' does not exist");
            return DaemonCli.ExitConfigError;
        }

        IReadOnlyList<CatalogSymbolSummary> summaries;
        try
        {
            summaries = CatalogSymbolSummary.Summarize(MarketDataCatalog.Open(catalog));
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine("list failed: " + ex.Message + " (data verify names every bad file)");
            return DaemonCli.ExitFault;
        }

        output.WriteLine($"catalog {catalog}: {summaries.Select(s => s.Symbol).Distinct().Count()} symbol(s), {summaries.Sum(s => s.Days)} day file(s), {summaries.Sum(s => s.Rows):N0} rows");
        foreach (CatalogSymbolSummary s in summaries)
        {
            string missing = s.MissingWeekdays.Count == 0 ? "none"
                : s.MissingWeekdays.Count + " (" + string.Join(", ", s.MissingWeekdays.Take(5).Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))) + (s.MissingWeekdays.Count > 5 ? ", ..." : string.Empty) + ")";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{CatalogLayout.Folder(s.Kind),-5} {s.Symbol,-10} {s.Days,4} days {s.Rows,12:N0} rows  {Time(s.FirstNs)} .. {Time(s.LastNs)}  missing weekdays: {missing}"));
        }

        return DaemonCli.ExitOk;
    }

    /// <summary>0 sound; 1 a problem (each printed, naming its file); 2 no such directory.</summary>
    public static int Verify(string catalog, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!Directory.Exists(catalog))
        {
            error.WriteLine($"--catalog: directory '{catalog}' does not exist");
            return DaemonCli.ExitConfigError;
        }

        IReadOnlyList<string> problems = CatalogVerifier.Verify(MarketDataCatalog.Open(catalog), out int partitions, out long rows);
        foreach (string problem in problems)
        {
            error.WriteLine(problem);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"verified {partitions:N0} day file(s), {rows:N0} rows of '{catalog}': {(problems.Count == 0 ? "ok" : problems.Count + " problem(s)")}"));
        return problems.Count == 0 ? DaemonCli.ExitOk : DaemonCli.ExitFault;
    }

    private static string Time(long ns) =>
        DateTime.UnixEpoch.AddTicks(ns / 100).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
