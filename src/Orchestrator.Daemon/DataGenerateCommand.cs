using System.CommandLine;
using System.Globalization;
using Orchestrator.Adapters.MarketData;

namespace Orchestrator.Daemon;

/// <summary>
/// <c>orchestrator data generate --out FILE.csv [--seed 42] [--year 2025]</c>: the sample data set — one year
/// of deterministic 1-minute bars for five US symbols (Nasdaq, New York sessions with daylight saving, half
/// days) and three KRX symbols (KRX sessions), none on holidays (<see cref="SampleBarGenerator"/>), as CSV in
/// the backtest's bar format. The same seed and year give the same bytes on every machine.
/// <c>tools/sample-data/generate.sh</c> runs it and imports the file into the catalog.
/// </summary>
public static class DataGenerateCommand
{
    public static Command Create()
    {
        var outOption = new Option<string>("--out") { Description = "The CSV file to write (replaced)", Required = true };
        var seedOption = new Option<ulong>("--seed") { Description = "Seed of the random walk: the same seed and year give the same bytes", DefaultValueFactory = _ => 42UL };
        var yearOption = new Option<int>("--year") { Description = "Calendar year (one the shipped exchange calendars cover: 2024-2027)", DefaultValueFactory = _ => 2025 };
        var command = new Command("generate", "Write the sample data set: one year of deterministic 1-minute bars for 5 US and 3 KRX symbols on their exchange calendars (a random walk, not market history)")
        {
            outOption, seedOption, yearOption,
        };
        command.SetAction(parse => Run(parse.GetValue(outOption)!, parse.GetValue(seedOption), parse.GetValue(yearOption), Console.Out, Console.Error));
        return command;
    }

    /// <summary>0 written; 2 a bad option (named); 1 the file could not be written.</summary>
    public static int Run(string outPath, ulong seed, int year, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(outPath);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        SampleBarGenerator generator;
        try
        {
            generator = new SampleBarGenerator(seed, year);
        }
        catch (ArgumentException ex)
        {
            error.WriteLine("--year: " + ex.Message);
            return DaemonCli.ExitConfigError;
        }

        try
        {
            string? directory = Path.GetDirectoryName(Path.GetFullPath(outPath));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            long bars = generator.WriteFile(outPath);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"data generate: {bars:N0} bars of {SampleBarGenerator.DefaultSymbols.Count} symbols ({string.Join(", ", SampleBarGenerator.DefaultSymbols.Select(s => s.Symbol))}), {year}, seed {seed} -> {outPath}"));
            return DaemonCli.ExitOk;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine("--out: cannot write '" + outPath + "': " + ex.Message);
            return DaemonCli.ExitFault;
        }
    }
}
