using Orchestrator.Core;

namespace Orchestrator.Engine.State;

/// <summary>
/// Per symbol id, whether it may be sold short and how many shares are available to borrow (issue 19),
/// from the configured instruments (<see cref="Options.EngineOptions.Instruments"/>): a configured
/// instrument is shortable only if it says so, with its borrow when given; a symbol not configured has no
/// rule of its own (the account's <c>allow_short_selling</c> alone decides, as before). What a venue said at
/// start-up (<see cref="VenueBorrow"/>, Alpaca's assets) narrows that: not shortable there = not shortable;
/// shortable but hard to borrow = no borrow (<see cref="RejectReason.NoBorrow"/>). Built once at
/// start-up, then read-only; read by sizing on the trading thread.
/// </summary>
public sealed class ShortRules
{
    /// <summary><see cref="BorrowAvailable"/> of a symbol without a borrow limit.</summary>
    public const long Unlimited = -1;

    private readonly bool[] _shortable;
    private readonly long[] _borrow;

    /// <param name="symbols">The engine's symbols.</param>
    /// <param name="configured">Configured instruments by symbol (their borrow is in shares).</param>
    /// <param name="units">Each symbol's quantity unit: the borrow is kept in it (null = whole shares).</param>
    /// <param name="venue">What the venues said by symbol (null = nothing: the configuration alone).</param>
    public ShortRules(SymbolTable symbols, IReadOnlyDictionary<string, InstrumentInfo>? configured, QuantityUnits? units = null, IReadOnlyDictionary<string, VenueBorrow>? venue = null)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        _shortable = new bool[symbols.Count];
        _borrow = new long[symbols.Count];
        for (int s = 0; s < symbols.Count; s++)
        {
            InstrumentInfo? info = null;
            bool listed = configured is not null && configured.TryGetValue(symbols.Names[s], out info);
            _shortable[s] = !listed || info!.Shortable;
            _borrow[s] = listed && info!.BorrowAvailable is { } borrow ? Quantities.FromShares(borrow, units?.PerShare(s) ?? 1) : Unlimited;
            if (venue is not null && venue.TryGetValue(symbols.Names[s], out VenueBorrow said))
            {
                _shortable[s] &= said.Shortable;
                _borrow[s] = said.Shortable && !said.EasyToBorrow ? 0 : _borrow[s];
            }
        }
    }

    /// <summary>Whether the symbol may be sold short at all.</summary>
    public bool Shortable(int symbolId) => _shortable[symbolId];

    /// <summary>Shares available to borrow (the most the account may be short) in the symbol's quantity units, or <see cref="Unlimited"/>.</summary>
    public long BorrowAvailable(int symbolId) => _borrow[symbolId];
}
