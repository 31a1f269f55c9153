using Orchestrator.Core;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// <c>broker_config.yaml</c> <c>alpaca.exits</c> (issue 19): venue-held brackets are Alpaca's default; <c>engine</c> falls back to
/// exits the engine holds; anything else is an error naming the file, the key and the choices.
/// </summary>
public sealed class AlpacaExitsConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-alpaca-exits-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (DaemonConfig? Config, IReadOnlyList<ConfigError> Errors) Load(string alpacaSection)
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.BrokerFile), "adapter: alpaca\n" + alpacaSection);
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.CredentialsFile), "alpaca:\n  key_id: test-key-id\n  secret_key: test-secret-key\n");
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.AccountFile), "base_currency: USD\nstarting_cash: 100000\nwatch_list: [AAPL]\n");
        return ConfigLoader.Load(_dir, _ => null);
    }

    [Theory]
    [InlineData("", true, VenueCapabilityTable.Alpaca)]
    [InlineData("alpaca:\n  exits: venue\n", true, VenueCapabilityTable.Alpaca)]
    [InlineData("alpaca:\n  exits: engine\n", false, VenueCapabilityTable.AlpacaEngineHeldExits)]
    public void AlpacaExits_DecideWhetherAlpacaClaimsItsBrackets(string alpacaSection, bool venueHeld, VenueCapabilities expected)
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(alpacaSection);

        Assert.Empty(errors);
        Assert.Equal(venueHeld, config!.Engine.VenueHeldGroups);
        var engine = new TradingEngine(config.Engine, NullAuditWriter.Instance);
        Assert.Equal(("alpaca", expected), (engine.Instruments[0].Venue, engine.Instruments[0].Capabilities));
        Assert.Equal(venueHeld, (engine.Instruments[0].Capabilities & VenueCapabilities.NativeBracket) != 0);
    }

    [Fact]
    public void AnUnknownAlpacaExitsValue_IsAnErrorNamingFileKeyAndChoices()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load("alpaca:\n  exits: broker\n");

        Assert.Null(config);
        ConfigError error = Assert.Single(errors);
        Assert.Equal(("broker_config.yaml", "alpaca.exits"), (Path.GetFileName(error.File), error.KeyPath));
        Assert.Contains("broker", error.Message, StringComparison.Ordinal);
        Assert.Contains("engine", error.Message, StringComparison.Ordinal);
    }
}
