namespace Orchestrator.Adapters.Venues;

/// <summary>
/// The account as the venue books it: its cash and the shares held per venue symbol. What a
/// reconciliation compares the engine's portfolio with.
/// </summary>
/// <param name="Cash">The account's cash in the venue's main currency (decimal, never double): KIS's KRW D+2 figure when the session trades any KRX symbol, else its USD deposit; Alpaca's dollars.</param>
/// <param name="Positions">Shares held by venue symbol (negative when short); symbols with none may be absent.</param>
public sealed record VenueHoldings(decimal Cash, IReadOnlyDictionary<string, decimal> Positions)
{
    /// <summary>
    /// Issue 19, money per currency: the account's cash in each currency the venue reports for the session's
    /// markets, by ISO 4217 code, each in its own currency and never converted (KIS: KRW and USD; <see cref="Cash"/>
    /// is one of them). Null: the venue reports the one figure <see cref="Cash"/>.
    /// </summary>
    public IReadOnlyDictionary<string, decimal>? CashByCurrency { get; init; }

    /// <summary>
    /// Exchange rates the venue quotes (KIS's overseas present balance: <c>frst_bltn_exrt</c>), for the operator
    /// to compare with the configured ones; the engine values in <c>account.fx_rates</c> only (see the README).
    /// </summary>
    public IReadOnlyList<VenueFxRate> FxRates { get; init; } = [];

    /// <summary>Shares held in <paramref name="symbol"/> (0 when the venue lists none).</summary>
    public decimal PositionOf(string symbol) => Positions.TryGetValue(symbol, out decimal quantity) ? quantity : 0m;
}

/// <summary>A venue's exchange rate: one <paramref name="Currency"/> is worth <paramref name="Rate"/> <paramref name="Quote"/>.</summary>
/// <param name="Currency">ISO 4217 code of the currency priced (KIS: USD).</param>
/// <param name="Quote">ISO 4217 code the rate is in (KIS: KRW).</param>
/// <param name="Rate">Units of <paramref name="Quote"/> per unit of <paramref name="Currency"/>.</param>
/// <param name="Source">The venue's field, for the log (KIS: frst_bltn_exrt, the day's first bulletin rate).</param>
public sealed record VenueFxRate(string Currency, string Quote, decimal Rate, string Source);
