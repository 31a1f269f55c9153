using Orchestrator.Adapters.Kis;
using Orchestrator.Core;
using Orchestrator.Engine.Options;

namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// Which venue trades each symbol: a symbol's own route, else its exchange's, else the default.
/// <see cref="VenueOf"/> is what an <c>instruments:</c> entry without a <c>venue</c> and a symbol with no entry get.
/// </summary>
/// <param name="Default">The venue of symbols no rule names (<c>routing.default</c>; absent = broker_config.yaml's adapter).</param>
/// <param name="Exchanges">MIC → venue (<c>routing.exchanges</c>).</param>
/// <param name="Symbols">Symbol → venue (<c>routing.symbols</c>).</param>
/// <param name="Configured">Whether daemon.yaml has a <c>routing:</c> section.</param>
internal sealed record VenueRoutes(string Default, IReadOnlyDictionary<string, string> Exchanges, IReadOnlyDictionary<string, string> Symbols, bool Configured)
{
    public string VenueOf(string symbol, string exchange) =>
        Symbols.TryGetValue(symbol, out string? bySymbol) ? bySymbol
        : Exchanges.TryGetValue(exchange, out string? byExchange) ? byExchange
        : Default;
}

/// <summary>
/// <c>routing:</c> of <c>daemon.yaml</c> (issue 19, several venues in one process): <c>default</c> (a venue:
/// paper, kis, alpaca, or none = watched, not traded), <c>exchanges</c> (XKRX/XNYS/XNAS → venue) and
/// <c>symbols</c> (watch-list symbol → venue). A symbol's venue is, most specific first: its
/// <c>instruments.SYMBOL.venue</c>, <c>routing.symbols</c>, <c>routing.exchanges</c> by its exchange,
/// <c>routing.default</c>, broker_config.yaml's <c>adapter</c>. Every real venue a symbol is routed to runs in
/// the process (<see cref="TradedVenues"/>) and needs its own credentials; the paper venue cannot share a
/// process with a real one. Every problem is an error naming the file, the key and the reason.
/// </summary>
public static partial class ConfigLoader
{
    private static readonly string[] s_routes = ["paper", "kis", "alpaca", InstrumentInfo.NoVenue];

    /// <summary>Reads <c>routing:</c> (null section: every symbol on <paramref name="adapter"/>, as before routing existed).</summary>
    private static VenueRoutes ReadRouting(YamlSection? daemon, string adapter, IReadOnlyList<string> symbols)
    {
        var exchanges = new Dictionary<string, string>(StringComparer.Ordinal);
        var bySymbol = new Dictionary<string, string>(StringComparer.Ordinal);
        if (daemon?.Section("routing") is not { } routing)
        {
            return new VenueRoutes(adapter, exchanges, bySymbol, Configured: false);
        }

        string fallback = RouteValue(routing, "default") ?? adapter;
        if (routing.Section("exchanges") is { } byExchange)
        {
            foreach (string key in byExchange.Keys.ToList())
            {
                string mic = key.Trim().ToUpperInvariant();
                if (!s_exchanges.Contains(mic))
                {
                    byExchange.Error(key, $"must be one of {string.Join(", ", s_exchanges)} (ISO 10383 MIC), got '{key}'");
                }
                else if (RouteValue(byExchange, key) is { } venue)
                {
                    exchanges[mic] = venue;
                }
            }

            byExchange.ReportUnknownKeys();
        }

        if (routing.Section("symbols") is { } symbolRoutes)
        {
            foreach (string key in symbolRoutes.Keys.ToList())
            {
                string symbol = key.Trim().ToUpperInvariant();
                if (!symbols.Contains(symbol, StringComparer.Ordinal))
                {
                    symbolRoutes.Error(key, $"'{symbol}' is not in the watch list ({string.Join(", ", symbols)}); only traded symbols can be routed");
                }
                else if (RouteValue(symbolRoutes, key) is { } venue)
                {
                    bySymbol[symbol] = venue;
                }
            }

            symbolRoutes.ReportUnknownKeys();
        }

        routing.ReportUnknownKeys();
        return new VenueRoutes(fallback, exchanges, bySymbol, Configured: true);
    }

    /// <summary>One venue name of <c>routing:</c> (lower-cased); null when absent or not a venue (an error).</summary>
    private static string? RouteValue(YamlSection section, string key)
    {
        if (section.GetString(key) is not { } text)
        {
            return null;
        }

        string venue = text.Trim().ToLowerInvariant();
        if (!s_routes.Contains(venue))
        {
            section.Error(key, $"must be one of {string.Join(", ", s_routes)} (none: watched, not traded), got '{text}'");
            return null;
        }

        return venue;
    }

    /// <summary>
    /// The venues the process trades through, by the symbols routed to them (<see cref="InstrumentInfo.NoVenue"/>
    /// left out): <see cref="EngineOptions.DefaultVenue"/> first when any symbol is on it, then the others in
    /// watch-list order. Each real one gets its own gateway in the session.
    /// </summary>
    public static IReadOnlyList<string> TradedVenues(EngineOptions engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var venues = new List<string>();
        foreach (string symbol in engine.Symbols)
        {
            string venue = InstrumentOf(engine, symbol).Venue;
            if (venue != InstrumentInfo.NoVenue && !venues.Contains(venue))
            {
                venues.Add(venue);
            }
        }

        if (venues.Remove(engine.DefaultVenue))
        {
            venues.Insert(0, engine.DefaultVenue);
        }

        return venues;
    }

    /// <summary>
    /// What each venue the process trades through needs (its credentials, account and addresses), and that the
    /// paper venue does not share the process with a real one (it fills from the in-process feed, which a
    /// real venue's symbols do not go through).
    /// </summary>
    private static void CheckVenues(string? directory, IReadOnlyList<string> venues, BrokerConfig brokerConfig, AccountConfig accountConfig, bool accountRead,
        CredentialsConfig credentialsConfig, EngineOptions engine, List<ConfigError> errors)
    {
        venues = [.. venues.Where(s_venues.Contains)]; // a venue that is not one was reported where it was named
        if (venues.Count > 1 && venues.Contains("paper"))
        {
            errors.Add(new ConfigError(DisplayPath(directory, DaemonFile), "routing",
                $"routes symbols to paper and to {string.Join(" and ", venues.Where(v => v != "paper"))}: the paper venue cannot share a process with a real one; route every symbol to a real venue (or none)"));
        }

        if (!accountRead && brokerConfig.Adapter == "paper" && venues.FirstOrDefault(v => v != "paper") is { } routed)
        {
            errors.Add(new ConfigError(DisplayPath(directory, AccountFile), string.Empty, $"is required when daemon.yaml routing sends symbols to the '{routed}' venue, and it is missing"));
        }

        foreach (string adapter in venues)
        {
            if (adapter == "kis")
            {
                KisAccount? active = accountConfig.Active;
                string mode = accountConfig.TradingMode;
                RequireCredential(adapter, credentialsConfig.KisAppKey, active?.AppKey, "kis.app_key", mode + "_APP_KEY");
                RequireCredential(adapter, credentialsConfig.KisAppSecret, active?.AppSecret, "kis.app_secret", mode + "_APP_SECRET");
                if (string.IsNullOrWhiteSpace(active?.AccountNumber) || string.IsNullOrWhiteSpace(active.ProductCode))
                {
                    errors.Add(new ConfigError(DisplayPath(directory, AccountFile), mode + "_CANO",
                        $"{mode}_CANO and {mode}_ACNT_PRDT_CD (the account number's 8 and 2 digits) are required for the kis adapter"));
                }

                if (brokerConfig.KisRestUrl is null && string.IsNullOrWhiteSpace(active?.Url))
                {
                    errors.Add(new ConfigError(DisplayPath(directory, BrokerFile), "kis.rest_url", $"is required for the kis adapter (or {mode}_URL in {AccountFile})"));
                }

                if (brokerConfig.MarketData == "venue" && brokerConfig.KisWebSocketUrl is null && string.IsNullOrWhiteSpace(active?.WebSocketUrl))
                {
                    errors.Add(new ConfigError(DisplayPath(directory, BrokerFile), "kis.websocket_url", $"is required for KIS market data (or {mode}_WEBSOCKET_URL in {AccountFile}, or market_data: synthetic)"));
                }

                int kisSymbols = SymbolsRoutedTo(engine, adapter);
                int registrations = KisRealtimeSession.RegistrationsFor(brokerConfig.MarketData == "venue" ? kisSymbols : 0, !string.IsNullOrWhiteSpace(brokerConfig.KisHtsId));
                if (registrations > KisLimits.MaxRealtimeRegistrations)
                {
                    errors.Add(new ConfigError(DisplayPath(directory, AccountFile), "watch_list", KisRealtimeSession.TooManyRegistrations(kisSymbols, registrations)));
                }
            }
            else if (adapter == "alpaca")
            {
                RequireCredential(adapter, credentialsConfig.AlpacaKeyId, null, "alpaca.key_id", null);
                RequireCredential(adapter, credentialsConfig.AlpacaSecretKey, null, "alpaca.secret_key", null);
            }
        }

        void RequireCredential(string adapter, Secret? fromCredentials, Secret? fromAccount, string key, string? accountKey)
        {
            if (fromCredentials is { IsEmpty: false } || fromAccount is { IsEmpty: false })
            {
                return;
            }

            string alternatives = accountKey is null
                ? $"or {CredentialEnvironmentVariables[key]}"
                : $"or {accountKey} in {AccountFile}, or {CredentialEnvironmentVariables[key]}";
            errors.Add(new ConfigError(DisplayPath(directory, CredentialsFile), key, $"is required for the {adapter} adapter ({alternatives})"));
        }
    }

    /// <summary>How many watch-list symbols are routed to <paramref name="venue"/>.</summary>
    private static int SymbolsRoutedTo(EngineOptions engine, string venue) => engine.Symbols.Count(s => InstrumentOf(engine, s).Venue == venue);

    /// <summary>The instrument of <paramref name="symbol"/> as the engine will have it: configured (routing included), else the default on the default venue.</summary>
    internal static InstrumentInfo InstrumentOf(EngineOptions engine, string symbol) =>
        engine.Instruments is not null && engine.Instruments.TryGetValue(symbol, out InstrumentInfo? info)
            ? info
            : InstrumentInfo.Default(symbol) with { Venue = engine.DefaultVenue };
}
