using Orchestrator.Core;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;

namespace Orchestrator.Daemon.Tests;

/// <summary>daemon.yaml <c>instruments:</c> and <c>account:</c> (issue 19): carried into the engine's options; every mistake an error naming file, key and reason.</summary>
public sealed class InstrumentConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-instruments-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (DaemonConfig? Config, IReadOnlyList<ConfigError> Errors) Load(string daemonYaml, string account = "")
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.DaemonFile), daemonYaml);
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.AccountFile), "base_currency: USD\nstarting_cash: 100000\nwatch_list: [AAPL, MSFT, \"005930\"]\n" + account);
        return ConfigLoader.Load(_dir, _ => null);
    }

    /// <summary>
    /// Symbols on KIS and Alpaca trade through both in one process (routing: an instrument's venue is where its
    /// orders go): the broker is a real one, and each venue has its credentials.
    /// </summary>
    private void BothVenuesReachable()
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.BrokerFile), "adapter: kis\nmarket_data: synthetic\nkis:\n  rest_url: http://127.0.0.1:18080/\n");
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.CredentialsFile), "alpaca:\n  key_id: test-key-id\n  secret_key: test-secret-key\n");
    }

    private const string KisAccount = "TRADING_MODE: VIRTUAL\nVIRTUAL_APP_KEY: k\nVIRTUAL_APP_SECRET: s\nVIRTUAL_CANO: \"50000000\"\nVIRTUAL_ACNT_PRDT_CD: \"01\"\n";

    [Fact]
    public void InstrumentsAndFxRates_AreCarriedIntoTheEngine_WithCashPerCurrency()
    {
        BothVenuesReachable();
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load("""
            account:
              fx_rates: { KRW: 0.00075 }
              starting_cash: { KRW: 10000000 }
            instruments:
              "005930": { exchange: XKRX, venue: kis, shortable: false }
              aapl: { exchange: XNAS, currency: USD, venue: alpaca, borrow: 500 }
            """, KisAccount);

        Assert.Empty(errors);
        Assert.Equal("USD", config!.Engine.BaseCurrency);
        Assert.Equal(0.00075m, config.Engine.FxRates!["KRW"]);
        InstrumentInfo samsung = config.Engine.Instruments!["005930"];
        Assert.Equal(("XKRX", "KRW", "kis", false, (long?)null), (samsung.Exchange, samsung.Currency, samsung.Venue, samsung.Shortable, samsung.BorrowAvailable));
        InstrumentInfo aapl = config.Engine.Instruments["AAPL"];
        Assert.Equal(("XNAS", "USD", "alpaca", true, (long?)500), (aapl.Exchange, aapl.Currency, aapl.Venue, aapl.Shortable, aapl.BorrowAvailable));

        var engine = new TradingEngine(config.Engine, NullAuditWriter.Instance);
        Assert.Equal(2, engine.Portfolio.Currencies.Count);
        Assert.Equal(1, engine.Portfolio.Currencies.Of(2)); // 005930 in KRW
        Assert.Equal(FixedPoint.FromDecimal(10_000_000m), engine.Portfolio.CashRawOf(1));
        Assert.Equal(FixedPoint.FromDecimal(107_500m), engine.Portfolio.EquityRaw);
    }

    [Fact]
    public void AnInstrumentWithoutAVenue_IsTradedByTheBrokerAdapter_WithThatVenuesCapabilities()
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.BrokerFile), "adapter: alpaca\n");
        File.WriteAllText(Path.Combine(_dir, "api_credentials.yaml"), "alpaca:\n  key_id: test-key-id\n  secret_key: test-secret-key\n");
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load("""
            instruments:
              msft: { exchange: XNAS, shortable: false }
            """);

        Assert.Empty(errors);
        Assert.Equal("alpaca", config!.Engine.Instruments!["MSFT"].Venue); // not the record's "paper" default: the symbol's orders go to Alpaca and it has Alpaca's capabilities
        var engine = new TradingEngine(config.Engine, NullAuditWriter.Instance);
        Assert.Equal(("alpaca", VenueCapabilityTable.Alpaca), (engine.Instruments[1].Venue, engine.Instruments[1].Capabilities));
        Assert.Equal(("alpaca", VenueCapabilityTable.Alpaca), (engine.Instruments[0].Venue, engine.Instruments[0].Capabilities)); // AAPL, not configured: the adapter's too
    }

    [Fact]
    public void QuantityDecimals_GiveTheSymbolItsUnit_AndWholeSharesStayTheDefault()
    {
        BothVenuesReachable(); // an instrument's venue is where its orders go: Alpaca must be configured
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load("""
            instruments:
              AAPL: { venue: alpaca, quantity_decimals: 4 }
              MSFT: { venue: alpaca }
            """, KisAccount);

        Assert.Empty(errors);
        Assert.Equal(4, config!.Engine.Instruments!["AAPL"].QuantityDecimals);
        Assert.Equal(0, config.Engine.Instruments["MSFT"].QuantityDecimals);
        QuantityUnits units = new TradingEngine(config.Engine, NullAuditWriter.Instance).Instruments.Units;
        Assert.Equal((10_000L, 1L, 1L), (units.PerShare(0), units.PerShare(1), units.PerShare(2))); // AAPL, MSFT, 005930 (not configured)
    }

    [Fact]
    public void NoSections_OneCurrency_AsBefore()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load("agents: { enabled: false }\n");

        Assert.Empty(errors);
        Assert.Null(config!.Engine.Instruments);
        Assert.Null(config.Engine.FxRates);
        Assert.Equal(1, new TradingEngine(config.Engine, NullAuditWriter.Instance).Portfolio.Currencies.Count);
    }

    [Theory]
    [InlineData("instruments:\n  TSLA: { exchange: XNYS }", "instruments.TSLA: 'TSLA' is not in the watch list")]
    [InlineData("instruments:\n  AAPL: { exchange: NYSE }", "instruments.AAPL.exchange: must be one of XKRX, XNYS, XNAS (ISO 10383 MIC), got 'NYSE'")]
    [InlineData("instruments:\n  AAPL: { currency: dollars }", "instruments.AAPL.currency: must be an ISO 4217 code")]
    [InlineData("instruments:\n  \"005930\": { exchange: XKRX }", "instruments.005930.exchange: 005930 trades in KRW, which is not the base currency (USD): add account.fx_rates.KRW")]
    [InlineData("instruments:\n  AAPL: { currency: EUR }", "instruments.AAPL.currency: AAPL trades in EUR, which is not the base currency (USD): add account.fx_rates.EUR")]
    [InlineData("instruments:\n  AAPL: { venue: ibkr }", "instruments.AAPL.venue: must be one of paper, kis, alpaca, got 'ibkr'")]
    [InlineData("instruments:\n  AAPL: { borrow: -5 }", "instruments.AAPL.borrow:")]
    [InlineData("instruments:\n  AAPL: { shortable: false, borrow: 5 }", "instruments.AAPL.borrow: is set but shortable is false")]
    [InlineData("instruments:\n  AAPL: { shortabel: true }", "instruments.AAPL.shortabel: is not a known key")]
    [InlineData("instruments:\n  AAPL: { quantity_decimals: 10 }", "instruments.AAPL.quantity_decimals:")]
    [InlineData("instruments:\n  AAPL: { quantity_decimals: -1 }", "instruments.AAPL.quantity_decimals:")]
    [InlineData("account:\n  fx_rates: { KRW: 0.00075 }\ninstruments:\n  \"005930\": { exchange: XKRX, venue: paper, quantity_decimals: 2 }", "instruments.005930.quantity_decimals: is 2, but KRX trades whole shares only")]
    [InlineData("account:\n  fx_rates: { KRW: 0 }", "account.fx_rates.KRW:")]
    [InlineData("account:\n  fx_rates: { won: 0.00075 }", "account.fx_rates.won: is not a currency")]
    [InlineData("account:\n  fx_rates: { USD: 2 }", "account.fx_rates.USD: is the base currency")]
    [InlineData("account:\n  starting_cash: { KRW: 1000 }", "account.starting_cash.KRW: has no FX rate: add account.fx_rates.KRW")]
    [InlineData("account:\n  starting_cash: { USD: 1000 }", "account.starting_cash.USD: is the base currency")]
    [InlineData("account:\n  fx: { KRW: 0.00075 }", "account.fx: is not a known key")]
    public void BadEntry_IsAnErrorNamingTheFileTheKeyAndTheReason(string yaml, string expected)
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(yaml + "\n");

        Assert.Null(config);
        ConfigError error = Assert.Single(errors);
        Assert.StartsWith(Path.Combine(_dir, ConfigLoader.DaemonFile), error.ToString(), StringComparison.Ordinal);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void QuantityDecimals_OnAKisSymbol_IsAnErrorNamingTheFileTheKeyAndTheReason()
    {
        BothVenuesReachable(); // KIS configured: the one error is the fraction
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load("instruments:\n  AAPL: { venue: kis, quantity_decimals: 4 }\n", KisAccount);

        Assert.Null(config);
        ConfigError error = Assert.Single(errors);
        Assert.StartsWith(Path.Combine(_dir, ConfigLoader.DaemonFile), error.ToString(), StringComparison.Ordinal);
        Assert.Contains("instruments.AAPL.quantity_decimals: is 4, but KIS trades whole shares only", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CheckConfig_WithACurrencyWithoutARate_ExitsTwo_WithTheLine()
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.AccountFile), "base_currency: USD\nwatch_list: [AAPL, \"005930\"]\n");
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.DaemonFile), "instruments:\n  \"005930\":\n    exchange: XKRX\n");

        (int exit, string output) = DaemonProcessTests.Run(_dir, "check-config", "--config", _dir);

        Assert.True(exit == 2, output);
        Assert.Contains("daemon.yaml:3:", output, StringComparison.Ordinal);
        Assert.Contains("instruments.005930.exchange", output, StringComparison.Ordinal);
        Assert.Contains("account.fx_rates.KRW", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }
}
