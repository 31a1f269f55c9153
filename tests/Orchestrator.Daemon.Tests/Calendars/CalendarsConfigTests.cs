using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon.Tests.Calendars;

/// <summary>daemon.yaml <c>calendars:</c> (issue 19): exchange or utc, carried into the engine's options (and so into backtests).</summary>
public sealed class CalendarsConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-calendars-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (DaemonConfig? Config, IReadOnlyList<ConfigError> Errors) Load(string daemonYaml)
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.DaemonFile), daemonYaml);
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.AccountFile), "watch_list: [AAPL, \"005930\"]\n");
        return ConfigLoader.Load(_dir, _ => null);
    }

    [Theory]
    [InlineData("calendars: exchange\n", true)]
    [InlineData("calendars: UTC\n", false)]
    [InlineData("display: { enabled: false }\n", false)]
    public void Calendars_AreCarriedIntoTheEngineOptions(string yaml, bool expected)
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(yaml);

        Assert.Empty(errors);
        Assert.Equal(expected, config!.Engine.UseExchangeCalendars);
        var engine = new Engine.TradingEngine(config.Engine, Engine.Audit.NullAuditWriter.Instance);
        Assert.Equal(expected, engine.Calendars is not null);
        if (expected)
        {
            Assert.Equal("XNYS", engine.Calendars![engine.Symbols.GetId("AAPL")]!.Exchange);
            Assert.Equal("XKRX", engine.Calendars[engine.Symbols.GetId("005930")]!.Exchange);
        }
    }

    [Fact]
    public void Calendars_WithAnUnknownValue_IsAnErrorNamingTheFileTheKeyAndTheReason()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load("calendars: krx\n");

        Assert.Null(config);
        ConfigError error = Assert.Single(errors);
        Assert.StartsWith(Path.Combine(_dir, ConfigLoader.DaemonFile), error.ToString(), StringComparison.Ordinal);
        Assert.Contains("calendars: must be one of exchange, utc, got 'krx'", error.ToString(), StringComparison.Ordinal);
    }
}
