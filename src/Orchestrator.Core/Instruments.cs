namespace Orchestrator.Core;

/// <summary>
/// What the engine knows of one instrument beyond its name (issue 19): its exchange (ISO 10383 MIC:
/// XKRX, XNYS, XNAS), whose calendar and time zone give its sessions and trading day; its currency
/// (ISO 4217: KRW, USD), in which its cash, buying power and P&amp;L are kept; the venue that trades it
/// and what that venue holds natively; and whether it may be sold short.
/// </summary>
public sealed record InstrumentInfo
{
    public required string Symbol { get; init; }

    /// <summary>MIC of the listing exchange: "XKRX", "XNYS", "XNAS" (Nasdaq uses the NYSE calendar).</summary>
    public required string Exchange { get; init; }

    /// <summary>ISO 4217 code of the currency the instrument trades in.</summary>
    public required string Currency { get; init; }

    /// <summary>The <see cref="Venue"/> of an instrument no venue trades (routed to none): risk refuses its orders with <see cref="RejectReason.NoVenue"/>.</summary>
    public const string NoVenue = "none";

    /// <summary>Name of the venue that trades it ("paper", "kis", "alpaca"), or <see cref="NoVenue"/>.</summary>
    public string Venue { get; init; } = "paper";

    /// <summary>What the venue holds natively for this instrument; the engine emulates the rest.</summary>
    public VenueCapabilities Capabilities { get; init; }

    /// <summary>Whether the instrument may be sold short at all (no naked shorts where false).</summary>
    public bool Shortable { get; init; }

    /// <summary>Shares available to borrow for shorts; null = the venue decides (no engine limit), 0 = none.</summary>
    public long? BorrowAvailable { get; init; }

    /// <summary>
    /// Decimals of the instrument's quantities (issue 19): 0 = whole shares (the default; KRX always), up to
    /// <see cref="Quantities.MaxDecimals"/> where the venue trades fractions (Alpaca). Quantities are counted in
    /// 10^−decimals of a share end to end (<see cref="Quantities"/>).
    /// </summary>
    public int QuantityDecimals { get; init; }

    /// <summary>Exchange by the symbol's shape: six digits is a KRX code (KRW), anything else a US listing (NYSE calendar, USD).</summary>
    public static InstrumentInfo Default(string symbol)
    {
        bool krx = symbol.Length == 6 && symbol.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;
        return new InstrumentInfo { Symbol = symbol, Exchange = krx ? "XKRX" : "XNYS", Currency = krx ? "KRW" : "USD" };
    }
}

/// <summary>
/// <see cref="InstrumentInfo"/> per symbol id of a <see cref="SymbolTable"/>: configured entries, the rest
/// by <see cref="InstrumentInfo.Default"/> traded on the default venue. An instrument whose
/// <see cref="InstrumentInfo.Capabilities"/> are None gets its venue's (<see cref="VenueCapabilityTable"/>).
/// Built once at start-up, then read-only (safe to share).
/// </summary>
public sealed class InstrumentTable
{
    private readonly InstrumentInfo[] _byId;

    /// <param name="symbols">The engine's symbols.</param>
    /// <param name="configured">Configured instruments by symbol.</param>
    /// <param name="defaultVenue">The venue of symbols not configured (the daemon's broker adapter: "paper", "kis", "alpaca").</param>
    /// <param name="venueHeldGroups">False: no instrument claims its venue's brackets and OCO (<see cref="VenueCapabilityTable.WithoutVenueGroups"/>); the engine holds every group's exits.</param>
    public InstrumentTable(SymbolTable symbols, IReadOnlyDictionary<string, InstrumentInfo>? configured = null, string defaultVenue = "paper", bool venueHeldGroups = true)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        _byId = new InstrumentInfo[symbols.Count];
        for (int i = 0; i < symbols.Count; i++)
        {
            string name = symbols.Names[i];
            InstrumentInfo info = configured is not null && configured.TryGetValue(name, out InstrumentInfo? given)
                ? given
                : InstrumentInfo.Default(name) with { Venue = defaultVenue };
            VenueCapabilities capabilities = info.Capabilities == VenueCapabilities.None ? VenueCapabilityTable.Of(info.Venue) : info.Capabilities;
            _byId[i] = info with { Capabilities = venueHeldGroups ? capabilities : VenueCapabilityTable.WithoutVenueGroups(capabilities) };
        }

        int[] decimals = new int[_byId.Length];
        for (int i = 0; i < decimals.Length; i++)
        {
            decimals[i] = _byId[i].QuantityDecimals;
        }

        Units = new QuantityUnits(decimals);
    }

    /// <summary>Each symbol's quantity unit (whole shares unless its instrument says otherwise).</summary>
    public QuantityUnits Units { get; }

    public int Count => _byId.Length;

    /// <summary>The instrument of <paramref name="symbolId"/>.</summary>
    public InstrumentInfo this[int symbolId] => _byId[symbolId];
}
