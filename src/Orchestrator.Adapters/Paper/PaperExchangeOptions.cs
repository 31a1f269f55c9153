using System.Globalization;
using Orchestrator.Core;
using Orchestrator.Engine.State;

namespace Orchestrator.Adapters.Paper;

/// <summary>
/// Settings of the <see cref="PaperExchange"/>, bound once and validated once. Money and prices
/// are raw fixed point (<see cref="FixedPoint.Scale"/>); rates are basis points.
/// </summary>
public sealed record PaperExchangeOptions
{
    /// <summary>Largest accepted <see cref="MaxOpenOrders"/>: order slots are pre-allocated.</summary>
    public const int MaxOpenOrdersLimit = 1 << 20;

    /// <summary>Largest accepted <see cref="SymbolCount"/>: per-symbol state is pre-allocated.</summary>
    public const int SymbolCountLimit = 1 << 20;

    /// <summary>Cash of the account at start, raw units (default 100,000.00).</summary>
    public long StartingCashRaw { get; init; } = 100_000 * FixedPoint.Scale;

    /// <summary>Price slippage against the taker for market and triggered stop fills, bps of the price (default 5).</summary>
    public long SlippageBps { get; init; } = 5;

    /// <summary>Commission per fill, bps of the fill notional (default 0).</summary>
    public long CommissionBps { get; init; }

    /// <summary>Lowest commission charged per fill, raw units (default 0).</summary>
    public long MinimumCommissionRaw { get; init; }

    /// <summary>Whether sells may exceed the free position (default false: such sells are rejected with NoPosition).</summary>
    public bool AllowShortSelling { get; init; }

    /// <summary>Open orders the exchange holds at most; order storage is sized by it (default 4096).</summary>
    public int MaxOpenOrders { get; init; } = 4096;

    /// <summary>
    /// Each symbol id's exchange calendar (the engine's <c>TradingEngine.Calendars</c> when
    /// <c>EngineOptions.UseExchangeCalendars</c> is on); null, or a null entry, = no session rule: every update
    /// matches, as before calendars. With one, orders match only on updates inside the regular session.
    /// </summary>
    public Orchestrator.Core.Calendars.ExchangeCalendar?[]? Calendars { get; init; }

    /// <summary>
    /// The account's currencies and each symbol id's (the engine's <see cref="Portfolio.Currencies"/>): the venue keeps
    /// cash and reserves buying power per currency, so a KRW buy spends and needs KRW, a USD buy USD. Null = one cash
    /// figure for every symbol (<see cref="StartingCashRaw"/>). Symbol ids beyond its table are in the base currency.
    /// </summary>
    public Currencies? Currencies { get; init; }

    /// <summary>Cash at the start in the other currencies, by currency id of <see cref="Currencies"/> (index 0, the base, is <see cref="StartingCashRaw"/>'s and ignored).</summary>
    public IReadOnlyList<long>? StartingCashRawByCurrency { get; init; }

    /// <summary>These options with the engine account's currencies and their starting cash (the base's stays <see cref="StartingCashRaw"/>).</summary>
    public PaperExchangeOptions WithCurrenciesOf(Portfolio portfolio)
    {
        ArgumentNullException.ThrowIfNull(portfolio);
        var cash = new long[portfolio.Currencies.Count];
        for (int c = 1; c < cash.Length; c++)
        {
            cash[c] = portfolio.StartingCashRawOf(c);
        }

        return this with { Currencies = portfolio.Currencies, StartingCashRawByCurrency = cash };
    }

    /// <summary>Number of symbols (dense ids 0..SymbolCount-1 from the <see cref="SymbolTable"/>); must be positive.</summary>
    public required int SymbolCount { get; init; }

    /// <summary>
    /// Each symbol's quantity unit (issue 19, fractional shares): order and fill quantities are counted in it
    /// and notionals go through it (<see cref="Quantities"/>); null = whole shares for every symbol.
    /// </summary>
    public QuantityUnits? Units { get; init; }

    /// <summary>Every problem with these settings at once, each as "key: reason"; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (StartingCashRaw < 0)
        {
            errors.Add(Error(nameof(StartingCashRaw), "must be >= 0", StartingCashRaw));
        }

        // Below 10,000 bps a sell price after slippage stays positive.
        if (SlippageBps is < 0 or >= 10_000)
        {
            errors.Add(Error(nameof(SlippageBps), "must be between 0 and 9999", SlippageBps));
        }

        if (CommissionBps is < 0 or >= 10_000)
        {
            errors.Add(Error(nameof(CommissionBps), "must be between 0 and 9999", CommissionBps));
        }

        for (int c = 1; StartingCashRawByCurrency is not null && c < StartingCashRawByCurrency.Count; c++)
        {
            if (StartingCashRawByCurrency[c] < 0)
            {
                errors.Add(Error(nameof(StartingCashRawByCurrency) + "[" + (Currencies?.Code(c) ?? c.ToString(CultureInfo.InvariantCulture)) + "]", "must be >= 0", StartingCashRawByCurrency[c]));
            }
        }

        if (MinimumCommissionRaw < 0)
        {
            errors.Add(Error(nameof(MinimumCommissionRaw), "must be >= 0", MinimumCommissionRaw));
        }

        if (MaxOpenOrders is <= 0 or > MaxOpenOrdersLimit)
        {
            errors.Add(Error(nameof(MaxOpenOrders), "must be between 1 and 1048576", MaxOpenOrders));
        }

        if (SymbolCount is <= 0 or > SymbolCountLimit)
        {
            errors.Add(Error(nameof(SymbolCount), "must be between 1 and 1048576", SymbolCount));
        }

        return errors;
    }

    private static string Error(string key, string reason, long value) =>
        string.Create(CultureInfo.InvariantCulture, $"PaperExchange.{key}: {reason} (was {value})");
}
