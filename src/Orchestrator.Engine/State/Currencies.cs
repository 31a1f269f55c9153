using Orchestrator.Core;

namespace Orchestrator.Engine.State;

/// <summary>
/// The account's currencies (issue 19): id 0 is the base currency, in which equity, the daily loss and
/// the sizing limits are kept; every currency with an FX rate (<see cref="Options.EngineOptions.FxRates"/>)
/// gets an id of its own, and with it its own cash, buying power and P&amp;L. Each symbol's currency is its
/// instrument's (<see cref="InstrumentTable"/>) when that currency is the base or has a rate; a currency
/// without a rate is booked in the base currency — with no rates configured the account is one currency,
/// as before. Built once at start-up, then read-only (safe to share).
/// </summary>
public sealed class Currencies
{
    /// <summary>The base currency's id.</summary>
    public const int Base = 0;

    private readonly string[] _codes;
    private readonly long[] _rateRaw; // base-currency units per unit of the currency, fixed point; 1.0 for the base
    private readonly int[] _ofSymbol;

    /// <param name="baseCurrency">ISO 4217 code of the base currency.</param>
    /// <param name="fxRates">Currency code → how many base-currency units one unit is worth (above 0); the base itself may be absent.</param>
    /// <param name="instruments">The symbols' instruments: their currencies.</param>
    public Currencies(string baseCurrency, IReadOnlyDictionary<string, decimal>? fxRates, InstrumentTable instruments)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseCurrency);
        ArgumentNullException.ThrowIfNull(instruments);
        var codes = new List<string> { baseCurrency };
        var rates = new List<long> { FixedPoint.Scale };
        if (fxRates is not null)
        {
            foreach ((string code, decimal rate) in fxRates.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (code == baseCurrency)
                {
                    continue;
                }

                long raw = FixedPoint.FromDecimal(rate);
                if (raw <= 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(fxRates), rate, $"the FX rate of {code} must be above 0 (and at least 0.000001)");
                }

                codes.Add(code);
                rates.Add(raw);
            }
        }

        _codes = [.. codes];
        _rateRaw = [.. rates];
        _ofSymbol = new int[instruments.Count];
        for (int s = 0; s < _ofSymbol.Length; s++)
        {
            _ofSymbol[s] = Math.Max(Base, Array.IndexOf(_codes, instruments[s].Currency));
        }
    }

    /// <summary>One currency (<paramref name="baseCurrency"/>) for every symbol: the account as before issue 19.</summary>
    public static Currencies Single(string baseCurrency, int symbolCount) => new(baseCurrency, symbolCount);

    private Currencies(string baseCurrency, int symbolCount)
    {
        _codes = [baseCurrency];
        _rateRaw = [FixedPoint.Scale];
        _ofSymbol = new int[symbolCount];
    }

    /// <summary>How many symbol ids the table maps.</summary>
    public int SymbolCount => _ofSymbol.Length;

    /// <summary>How many currencies the account keeps (at least 1, the base).</summary>
    public int Count => _codes.Length;

    /// <summary>ISO 4217 code of currency <paramref name="currencyId"/>.</summary>
    public string Code(int currencyId) => _codes[currencyId];

    /// <summary>Base-currency units one unit of the currency is worth, fixed point (1.0 for the base).</summary>
    public long RateRaw(int currencyId) => _rateRaw[currencyId];

    /// <summary>The currency a symbol's cash, buying power and P&amp;L are kept in.</summary>
    public int Of(int symbolId) => _ofSymbol[symbolId];

    /// <summary>The id of <paramref name="code"/>, or −1 when the account does not keep it.</summary>
    public int IdOf(string code) => Array.IndexOf(_codes, code);

    /// <summary>An amount in currency <paramref name="currencyId"/> in base-currency units (truncated, saturated). Allocation-free.</summary>
    public long ToBase(long raw, int currencyId) => currencyId == Base ? raw : Saturate((Int128)raw * _rateRaw[currencyId] / FixedPoint.Scale);

    /// <summary>A base-currency amount in currency <paramref name="currencyId"/> (truncated, saturated). Allocation-free.</summary>
    public long FromBase(long baseRaw, int currencyId) => currencyId == Base ? baseRaw : Saturate((Int128)baseRaw * FixedPoint.Scale / _rateRaw[currencyId]);

    private static long Saturate(Int128 value) => value > long.MaxValue ? long.MaxValue : value < long.MinValue ? long.MinValue : (long)value;
}
