using Orchestrator.Core;
using Orchestrator.Engine.Options;

namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// <c>instruments:</c> and <c>account:</c> of <c>daemon.yaml</c> (issue 19). <c>instruments</c>: per SYMBOL of
/// the watch list, <c>exchange</c> (XKRX, XNYS, XNAS), <c>currency</c> (ISO 4217), <c>venue</c> (paper, kis,
/// alpaca), <c>shortable</c> (default true: the account's <c>allow_short_selling</c> still decides) and
/// <c>borrow</c> (shares available to borrow; absent = no limit of the engine's) and <c>quantity_decimals</c>
/// (0 = whole shares, the default; 1..9 where the venue trades fractions: paper and alpaca, never kis or an
/// XKRX listing); a symbol not listed gets
/// <see cref="InstrumentInfo.Default"/>. <c>account</c>: <c>fx_rates</c> (CODE: base-currency units one
/// unit is worth, e.g. <c>KRW: 0.00075</c> with a USD base) and <c>starting_cash</c> (CODE: cash in that
/// currency at the start; the base's is myStockInfo.yaml's <c>starting_cash</c>). Every problem is an error
/// naming the file, the key and the reason; a currency an instrument uses that is neither the base nor
/// given a rate is an error.
/// </summary>
public static partial class ConfigLoader
{
    private static readonly string[] s_exchanges = ["XKRX", "XNYS", "XNAS"];
    private static readonly string[] s_venues = ["paper", "kis", "alpaca"];

    /// <summary>Reads <c>account</c> then <c>instruments</c> into <paramref name="engine"/>'s options (base currency included).</summary>
    private static EngineOptions ReadInstruments(YamlSection? daemon, EngineOptions engine, string baseCurrency, VenueRoutes routes)
    {
        engine = engine with { BaseCurrency = baseCurrency };
        var rates = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var cash = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (daemon?.Section("account") is { } account)
        {
            if (account.Section("fx_rates") is { } fx)
            {
                foreach (string code in fx.Keys.ToList())
                {
                    decimal rate = fx.GetDecimal(code, 0m, 0.000001m, 1_000_000_000m);
                    if (!IsCurrencyCode(code))
                    {
                        fx.Error(code, "is not a currency: expected an ISO 4217 code of three capital letters (KRW, USD)");
                    }
                    else if (code == baseCurrency && rate != 1m)
                    {
                        fx.Error(code, $"is the base currency (myStockInfo.yaml base_currency): its rate is 1, got {rate}");
                    }
                    else if (rate > 0m && code != baseCurrency)
                    {
                        rates[code] = rate;
                    }
                }

                fx.ReportUnknownKeys();
            }

            if (account.Section("starting_cash") is { } starting)
            {
                foreach (string code in starting.Keys.ToList())
                {
                    decimal amount = starting.GetDecimal(code, 0m, 0m, 1_000_000_000_000_000m);
                    if (code == baseCurrency)
                    {
                        starting.Error(code, "is the base currency: its starting cash is starting_cash in myStockInfo.yaml");
                    }
                    else if (!rates.ContainsKey(code))
                    {
                        starting.Error(code, $"has no FX rate: add account.fx_rates.{code} (base-currency units per {code})");
                    }
                    else
                    {
                        cash[code] = amount;
                    }
                }

                starting.ReportUnknownKeys();
            }

            account.ReportUnknownKeys();
        }

        var instruments = new Dictionary<string, InstrumentInfo>(StringComparer.Ordinal);
        if (daemon?.Section("instruments") is { } section)
        {
            foreach (string name in section.Keys.ToList())
            {
                if (section.Section(name) is not { } item)
                {
                    continue;
                }

                string symbol = name.Trim().ToUpperInvariant();
                if (!engine.Symbols.Contains(symbol, StringComparer.Ordinal))
                {
                    section.Error(name, $"'{symbol}' is not in the watch list ({string.Join(", ", engine.Symbols)}); only traded symbols can be configured");
                }

                InstrumentInfo info = ReadInstrument(item, symbol, baseCurrency, rates, routes);
                if (!instruments.TryAdd(symbol, info))
                {
                    section.Error(name, $"'{symbol}' is listed twice");
                }

                item.ReportUnknownKeys();
            }
        }

        if (routes.Configured)
        {
            // routing: every symbol without an entry of its own gets its venue by its default exchange (ConfigLoader.Routing.cs).
            foreach (string symbol in engine.Symbols)
            {
                InstrumentInfo defaults = InstrumentInfo.Default(symbol);
                instruments.TryAdd(symbol, defaults with { Venue = routes.VenueOf(symbol, defaults.Exchange) });
            }
        }

        return engine with
        {
            Instruments = instruments.Count > 0 ? instruments : engine.Instruments,
            FxRates = rates.Count > 0 ? rates : null,
            StartingCashByCurrency = cash.Count > 0 ? cash : null,
        };
    }

    /// <summary>One <c>instruments:</c> entry; what it leaves out is the symbol's default, its venue by <paramref name="routes"/> (without <c>routing:</c>, the broker adapter).</summary>
    private static InstrumentInfo ReadInstrument(YamlSection item, string symbol, string baseCurrency, Dictionary<string, decimal> rates, VenueRoutes routes)
    {
        InstrumentInfo defaults = InstrumentInfo.Default(symbol);
        string exchange = (item.GetString("exchange") ?? defaults.Exchange).Trim().ToUpperInvariant();
        if (!s_exchanges.Contains(exchange))
        {
            item.Error("exchange", $"must be one of {string.Join(", ", s_exchanges)} (ISO 10383 MIC), got '{exchange}'");
        }

        string currency = (item.GetString("currency") ?? (exchange == "XKRX" ? "KRW" : exchange is "XNYS" or "XNAS" ? "USD" : defaults.Currency)).Trim().ToUpperInvariant();
        if (!IsCurrencyCode(currency))
        {
            item.Error("currency", $"must be an ISO 4217 code of three capital letters (KRW, USD), got '{currency}'");
        }
        else if (currency != baseCurrency && !rates.ContainsKey(currency))
        {
            item.Error(item.Has("currency") ? "currency" : "exchange",
                $"{symbol} trades in {currency}, which is not the base currency ({baseCurrency}): add account.fx_rates.{currency} (base-currency units per {currency}) so its cash and P&L are kept in {currency}");
        }

        string venue = (item.GetString("venue") ?? routes.VenueOf(symbol, exchange)).Trim().ToLowerInvariant();
        if (!s_venues.Contains(venue) && venue != InstrumentInfo.NoVenue)
        {
            item.Error("venue", $"must be one of {string.Join(", ", s_venues)}, got '{venue}' (or {InstrumentInfo.NoVenue}: watched, not traded)");
        }
        else if (item.Has("venue") && routes.Symbols.TryGetValue(symbol, out string? routed) && routed != venue)
        {
            item.Error("venue", $"is '{venue}' but routing.symbols sends {symbol} to '{routed}': name its venue in one place");
        }

        bool shortable = item.GetBool("shortable", true);
        long? borrow = item.Has("borrow") ? item.GetLong("borrow", 0, 0, long.MaxValue / 2) : null;
        if (borrow is not null && !shortable)
        {
            item.Error("borrow", "is set but shortable is false: a symbol that may not be sold short has nothing to borrow");
        }

        int quantityDecimals = item.GetInt("quantity_decimals", 0, 0, Quantities.MaxDecimals);
        if (quantityDecimals > 0 && venue == "kis")
        {
            item.Error("quantity_decimals", $"is {quantityDecimals}, but KIS trades whole shares only: 0 (or leave it out) for a symbol on venue kis");
        }
        else if (quantityDecimals > 0 && exchange == "XKRX")
        {
            item.Error("quantity_decimals", $"is {quantityDecimals}, but KRX trades whole shares only: 0 (or leave it out) for an XKRX listing");
        }

        return defaults with { Exchange = exchange, Currency = currency, Venue = venue, Shortable = shortable, BorrowAvailable = borrow, QuantityDecimals = quantityDecimals };
    }

    private static bool IsCurrencyCode(string code) => code.Length == 3 && code.All(char.IsAsciiLetterUpper);
}
