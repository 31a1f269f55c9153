namespace Orchestrator.Adapters.Kis;

/// <summary>
/// Which KIS market a symbol trades on. Six-digit codes (005930) are domestic (KRX, KRW);
/// anything else is a US stock (USD) on one of KIS's US exchange codes, taken from a
/// symbol → exchange map with <see cref="DefaultExchange"/> for symbols the map leaves out.
/// </summary>
public static class KisMarkets
{
    /// <summary>The exchange a US symbol is sent to when the map does not name one.</summary>
    public const string DefaultExchange = "NASD";

    /// <summary>KIS's US exchange codes (OVRS_EXCG_CD): Nasdaq, New York, American.</summary>
    public static IReadOnlyList<string> UsExchanges { get; } = ["NASD", "NYSE", "AMEX"];

    /// <summary>True for a six-digit KRX code: the domestic endpoints trade it.</summary>
    public static bool IsDomestic(string symbol)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        if (symbol.Length != 6)
        {
            return false;
        }

        foreach (char c in symbol)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="exchange"/> is one of <see cref="UsExchanges"/> (exact, upper case).</summary>
    public static bool IsUsExchange(string? exchange) => exchange is "NASD" or "NYSE" or "AMEX";

    /// <summary>The exchange <paramref name="exchanges"/> names for <paramref name="symbol"/>, else <see cref="DefaultExchange"/>.</summary>
    public static string ExchangeOf(IReadOnlyDictionary<string, string>? exchanges, string symbol) =>
        exchanges is not null && exchanges.TryGetValue(symbol, out string? exchange) ? exchange : DefaultExchange;

    /// <summary>
    /// The HDFSCNT0 subscription key: D (delayed, the free feed) + KIS's three-letter real-time
    /// exchange code (NAS, NYS, AMS) + the ticker, e.g. <c>DNASAAPL</c>.
    /// </summary>
    public static string RealtimeKey(string exchange, string symbol) => exchange switch
    {
        "NASD" => "DNAS" + symbol,
        "NYSE" => "DNYS" + symbol,
        "AMEX" => "DAMS" + symbol,
        _ => throw new ArgumentOutOfRangeException(nameof(exchange), exchange, "not a US exchange code (NASD, NYSE, AMEX)"),
    };
}
