using Orchestrator.Adapters.MarketData;

namespace Orchestrator.Daemon.Tests;

/// <summary><c>orchestrator data generate</c> on real files: the sample set in the bar format, a bad year named.</summary>
public sealed class DataGenerateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-gen-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Generate_WritesTheSampleBars_AndSaysHowMany()
    {
        string path = Path.Combine(_dir, "sub", "bars.csv");
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = DataGenerateCommand.Run(path, 42, 2024, output, error);

        Assert.Equal(DaemonCli.ExitOk, exit);
        Assert.Equal(string.Empty, error.ToString());
        Assert.Equal(SampleBarGenerator.Header, File.ReadLines(path).First());
        long rows = File.ReadLines(path).LongCount() - 1;
        Assert.Contains(rows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " bars of 8 symbols", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(["000660", "005930", "035420", "AAPL", "AMZN", "GOOGL", "MSFT", "NVDA"],
            File.ReadLines(path).Skip(1).Select(l => l.Split(',')[1]).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Generate_AYearWithoutCalendars_IsRefusedNamingTheOption()
    {
        var error = new StringWriter();

        int exit = DataGenerateCommand.Run(Path.Combine(_dir, "bars.csv"), 42, 2031, new StringWriter(), error);

        Assert.Equal(DaemonCli.ExitConfigError, exit);
        Assert.StartsWith("--year: ", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "bars.csv")));
    }
}
