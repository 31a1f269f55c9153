using Orchestrator.Engine.State;

namespace Orchestrator.Adapters.Paper;

/// <summary>
/// The paper account's cash per currency (issue 19). With <see cref="PaperExchangeOptions.Currencies"/> the venue
/// keeps one cash figure and one buying-power reservation per currency of the engine's account, each symbol's
/// orders and fills in its own currency (KRX in KRW, US symbols in USD): a buy needs free cash in its currency,
/// as at a broker that holds KRW and USD deposits apart (KIS domestic and overseas). Without it there is one
/// figure for all, as before.
/// </summary>
public sealed partial class PaperExchange
{
    /// <summary>Cash in currency <paramref name="currencyId"/> (an id of <see cref="PaperExchangeOptions.Currencies"/>; 0 = the base), raw units.</summary>
    public long CashRawOf(int currencyId) => _cashRaw[currencyId];

    /// <summary>Cash held back for open buy orders in currency <paramref name="currencyId"/>, raw units.</summary>
    public long ReservedCashRawOf(int currencyId) => _reservedCashRaw[currencyId];

    /// <summary>How many currencies the account keeps cash in (1 without <see cref="PaperExchangeOptions.Currencies"/>).</summary>
    public int CurrencyCount => _cashRaw.Length;

    /// <summary>
    /// After a restart from a journal: each currency's cash as the journal left it (by currency id; the count must
    /// be <see cref="CurrencyCount"/>). Call before any order, with <see cref="RestoreAccount"/>.
    /// </summary>
    public void RestoreCash(ReadOnlySpan<long> cashRawByCurrency)
    {
        if (_slotById.Count > 0)
        {
            throw new InvalidOperationException("The paper account can be restored only before any order.");
        }

        if (cashRawByCurrency.Length != _cashRaw.Length)
        {
            throw new ArgumentException($"Expected {_cashRaw.Length} currencies.", nameof(cashRawByCurrency));
        }

        cashRawByCurrency.CopyTo(_cashRaw);
    }

    private static (int[] CurrencyOf, long[] Cash, long[] Reserved) CashAccounts(PaperExchangeOptions options)
    {
        Currencies? currencies = options.Currencies;
        int count = currencies?.Count ?? 1;
        var currencyOf = new int[options.SymbolCount];
        for (int s = 0; currencies is not null && s < currencyOf.Length && s < currencies.SymbolCount; s++)
        {
            currencyOf[s] = currencies.Of(s);
        }

        var cash = new long[count];
        cash[0] = options.StartingCashRaw;
        for (int c = 1; c < count && options.StartingCashRawByCurrency is { } starting && c < starting.Count; c++)
        {
            cash[c] = starting[c];
        }

        return (currencyOf, cash, new long[count]);
    }
}
