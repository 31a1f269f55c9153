using Orchestrator.Core;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Hosting;

namespace Orchestrator.Daemon.Tests;

/// <summary>daemon.yaml <c>routing:</c> (issue 19, several venues in one process): each symbol's venue, the venues the process runs, and every mistake an error naming file, key and reason.</summary>
public sealed class RoutingConfigTests : IDisposable
{
    private static readonly Func<string, string?> s_alpacaKeys = name => name switch
    {
        "ORCHESTRATOR_ALPACA_KEY_ID" => "test-key-id",
        "ORCHESTRATOR_ALPACA_SECRET_KEY" => "test-secret-key",
        _ => null,
    };

    private readonly string _dir = Directory.CreateTempSubdirectory("orc-routing-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The documented example's files with this daemon.yaml.</summary>
    private (DaemonConfig? Config, IReadOnlyList<ConfigError> Errors) Load(string? daemonYaml, Func<string, string?>? environment = null)
    {
        string example = Path.Combine(CrashRecoveryTests.RepositoryRoot(), "config", "examples", "kis-alpaca-simulator");
        foreach (string file in Directory.GetFiles(example))
        {
            File.Copy(file, Path.Combine(_dir, Path.GetFileName(file)), overwrite: true);
        }

        if (daemonYaml is not null)
        {
            File.WriteAllText(Path.Combine(_dir, ConfigLoader.DaemonFile), daemonYaml);
        }

        return ConfigLoader.Load(_dir, environment ?? s_alpacaKeys);
    }

    [Fact]
    public void TheExample_RoutesKrxToKis_AndUsToAlpaca_AndBuildsBothVenues()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(null);

        Assert.Empty(errors);
        IReadOnlyDictionary<string, InstrumentInfo> instruments = config!.Engine.Instruments!;
        Assert.Equal(["kis", "kis", "alpaca", "alpaca"], config.Engine.Symbols.Select(s => instruments[s].Venue));
        Assert.Equal(["kis", "alpaca"], ConfigLoader.TradedVenues(config.Engine));
        IReadOnlyList<VenueSettings> venues = DaemonCli.BuildVenues(config);
        Assert.Equal(["kis", "alpaca"], venues.Select(v => v.Adapter));
        Assert.Equal(["005930", "000660"], TradingSession.RoutedSymbols(config.Engine, "kis"));
        Assert.Equal(["AAPL", "MSFT"], TradingSession.RoutedSymbols(config.Engine, "alpaca"));
    }

    [Fact]
    public void SymbolsRoute_BeatsTheExchanges_AndNoneLeavesASymbolWatchedNotTraded()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load("""
            routing:
              default: kis
              exchanges: { XNAS: alpaca }
              symbols: { MSFT: none, "000660": none }
            account:
              fx_rates: { KRW: 0.00075 }
            instruments:
              AAPL: { exchange: XNAS }
              MSFT: { exchange: XNAS }
            """);

        Assert.Empty(errors);
        Assert.Equal(["kis", InstrumentInfo.NoVenue, "alpaca", InstrumentInfo.NoVenue], config!.Engine.Symbols.Select(s => config.Engine.Instruments![s].Venue));
        Assert.Equal(["kis", "alpaca"], ConfigLoader.TradedVenues(config.Engine));
    }

    [Fact]
    public void WithoutRouting_EverySymbolIsTheAdapters_AsBefore()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load("account:\n  fx_rates: { KRW: 0.00075 }\n");

        Assert.Empty(errors);
        Assert.Null(config!.Engine.Instruments);
        Assert.Equal(["kis"], ConfigLoader.TradedVenues(config.Engine));
        Assert.Single(DaemonCli.BuildVenues(config));
    }

    [Theory]
    [InlineData("routing:\n  default: nasdaq", "routing.default: must be one of paper, kis, alpaca, none (none: watched, not traded), got 'nasdaq'")]
    [InlineData("routing:\n  exchanges: { NYSE: alpaca }", "routing.exchanges.NYSE: must be one of XKRX, XNYS, XNAS (ISO 10383 MIC), got 'NYSE'")]
    [InlineData("routing:\n  symbols: { TSLA: alpaca }", "routing.symbols.TSLA: 'TSLA' is not in the watch list")]
    [InlineData("routing:\n  venue: kis", "routing.venue: ")]
    [InlineData("routing:\n  default: kis\n  exchanges: { XNYS: paper }", "routing: routes symbols to paper and to kis: the paper venue cannot share a process with a real one")]
    [InlineData("routing:\n  symbols: { AAPL: alpaca }\ninstruments:\n  AAPL: { venue: kis }", "instruments.AAPL.venue: is 'kis' but routing.symbols sends AAPL to 'alpaca': name its venue in one place")]
    public void AMistake_IsAnErrorNamingFileKeyAndReason(string daemonYaml, string expected)
    {
        (_, IReadOnlyList<ConfigError> errors) = Load("account:\n  fx_rates: { KRW: 0.00075 }\n" + daemonYaml + "\n");

        Assert.Contains(errors, e => e.ToString().Contains(expected, StringComparison.Ordinal));
        Assert.All(errors, e => Assert.EndsWith(ConfigLoader.DaemonFile, e.File, StringComparison.Ordinal));
    }

    [Fact]
    public void AVenueRoutedTo_NeedsItsOwnCredentials()
    {
        (_, IReadOnlyList<ConfigError> errors) = Load(null, _ => null);

        Assert.Contains(errors, e => e.File.EndsWith(ConfigLoader.CredentialsFile, StringComparison.Ordinal) && e.KeyPath == "alpaca.key_id"
            && e.Message.Contains("is required for the alpaca adapter", StringComparison.Ordinal));
    }
}
