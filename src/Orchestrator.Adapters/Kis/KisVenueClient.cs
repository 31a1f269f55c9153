using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Kis;

/// <summary>
/// KIS orders as the broker gateway drives them: domestic cash orders for six-digit KRX codes,
/// US stocks through KIS's overseas endpoints for any other symbol (its exchange — NASD, NYSE or
/// AMEX — from <see cref="KisOverseasOptions.Exchanges"/>, NASD when not named). KIS has no client
/// order id, so the venue's record of our orders is the day's order lists (domestic
/// <c>inquire-daily-ccld</c>, overseas <c>inquire-ccnl</c>): an order in doubt is found there by
/// symbol, side and quantity among the orders that appeared after it was first sent and that no
/// other engine order has claimed. Orders that were already on a list before this client first
/// read it (placed by hand, or by an earlier run) are never taken for ours.
/// </summary>
/// <remarks>
/// <para>Lists read: with <see cref="KisOverseasOptions.Symbols"/> given, the list of each market
/// that has a symbol; without, the domestic one, and the overseas one if any exchange is mapped. A list
/// is also read from the first order placed on its market on. <see cref="GetOrdersAsync"/> merges the lists (KIS numbers
/// an account's orders uniquely, so one venue id names one order).</para>
/// <para>Prices: domestic orders go in whole won, a buy limit rounded down and a sell limit up, so
/// rounding never trades worse than the engine asked; market orders go as KIS market orders. US
/// orders go in whole cents, limits rounded the same way. KIS's overseas API needs a price, so a US
/// market order is sent as a marketable limit: the engine's last trade price
/// (<see cref="KisOverseasOptions.LastPrice"/>) × (1 + collar) for a buy, rounded up to the cent, and
/// × (1 − collar) for a sell, rounded down — the collar is never narrower than configured. Without a
/// last price it is refused (NO_PRICE) and nothing is sent.</para>
/// <para>Stop orders and IOC/FOK are not offered here: they are refused with a clear reason rather
/// than sent as something else.</para>
/// </remarks>
public sealed partial class KisVenueClient : IVenueClient
{
    private static readonly TimeSpan KoreaOffset = TimeSpan.FromHours(9);
    private static readonly TimeZoneInfo s_newYork = TimeZoneInfo.TryFindSystemTimeZoneById("America/New_York", out TimeZoneInfo? zone)
        ? zone
        : TimeZoneInfo.CreateCustomTimeZone("US Eastern (standard time)", TimeSpan.FromHours(-5), "US Eastern", "US Eastern");

    private readonly KisRestClient _rest;
    private readonly TimeProvider _time;
    private readonly KisOverseasOptions _overseasOptions;
    private readonly OrderList _domestic;
    private readonly OrderList _overseas;
    private readonly ConcurrentDictionary<long, DateTimeOffset> _firstSent = new();
    private readonly ConcurrentDictionary<string, string> _branches = new(StringComparer.Ordinal);

    // When each venue order number was first seen on a day's list: a candidate first seen
    // before our order was sent cannot be it.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _firstSeen = new(StringComparer.Ordinal);

    /// <summary>A client for one account.</summary>
    /// <param name="rest">The account's REST client (disposed with this client).</param>
    /// <param name="time">The clock (tests inject one).</param>
    /// <param name="overseas">US trading: exchanges, the session's symbols, last prices, collar; null = defaults (NASD, no last prices).</param>
    public KisVenueClient(KisRestClient rest, TimeProvider? time = null, KisOverseasOptions? overseas = null)
    {
        ArgumentNullException.ThrowIfNull(rest);
        _rest = rest;
        _time = time ?? TimeProvider.System;
        _overseasOptions = overseas ?? new KisOverseasOptions();
        IReadOnlyList<string> errors = _overseasOptions.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid KIS overseas options: " + string.Join("; ", errors), nameof(overseas));
        }

        IReadOnlyList<string> symbols = _overseasOptions.Symbols;
        _domestic = new OrderList(overseas: false, wanted: symbols.Count == 0 || symbols.Any(KisMarkets.IsDomestic));
        _overseas = new OrderList(overseas: true, wanted: symbols.Count == 0 ? _overseasOptions.Exchanges.Count > 0 : symbols.Any(s => !KisMarkets.IsDomestic(s)));
    }

    /// <inheritdoc/>
    public string Name => "kis";

    /// <summary>
    /// Issues the access token and reads the day's order lists once, so orders already at the venue
    /// are known as not ours. Call at start-up; a wrong key fails here, before any order.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await Call(ct => _rest.GetAccessTokenAsync(ct), cancellationToken).ConfigureAwait(false);
        await GetOrdersAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<VenuePlaceResult> PlaceAsync(VenueOrderRequest order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        bool domestic = KisMarkets.IsDomestic(order.Symbol);
        if (KisOrderDivision.Of(domestic, order.Type, order.TimeInForce) is not { } division || (order.GroupRole == OrderGroupRole.Entry && order.Exits.Any))
        {
            string what = order.Exits.Any ? $"{order.Type} {order.TimeInForce} with venue-held exits" : $"{order.Type} {order.TimeInForce}";
            return VenuePlaceResult.Refused(VenueRejectCodes.Unsupported, domestic
                ? $"KIS domestic orders are market or limit, day, IOC or FOK; {what} was not sent"
                : $"KIS overseas orders are day limit orders; {what} was not sent");
        }

        decimal priceUsd = 0;
        if (!domestic && !TryUsPrice(order, out priceUsd, out string? why))
        {
            return VenuePlaceResult.Refused("NO_PRICE", why);
        }

        OrderList list = domestic ? _domestic : _overseas;
        list.Want();
        if (!list.Baselined)
        {
            try
            {
                await ReadAsync(list, cancellationToken).ConfigureAwait(false); // never guess ownership without a baseline
            }
            catch (VenueTransientException ex) when (!ex.NotSent)
            {
                throw new VenueTransientException("the day's orders could not be read before the order: " + ex.Message + "; the order was not sent", ex) { NotSent = true, Code = ex.Code };
            }
        }

        _firstSent.TryAdd(order.ClientOrderId, _time.GetUtcNow());
        KisOrderResult result = domestic
            ? await Call(ct => _rest.PlaceCashOrderAsync(order.Symbol, order.Side, order.Quantity, order.Type == OrderType.Limit ? WholeWon(order.LimitPriceRaw, order.Side) : 0, division, ct), cancellationToken).ConfigureAwait(false)
            : await Call(ct => _rest.PlaceOverseasOrderAsync(ExchangeOf(order.Symbol), order.Symbol, order.Side, order.Quantity, priceUsd, ct), cancellationToken).ConfigureAwait(false);
        if (!result.Accepted || string.IsNullOrEmpty(result.OrderNumber))
        {
            return VenuePlaceResult.Refused(result.MessageCode, result.Message ?? "KIS refused the order");
        }

        if (result.BranchNumber is { } branch)
        {
            _branches[result.OrderNumber] = branch;
        }

        _firstSeen.TryAdd(result.OrderNumber, _time.GetUtcNow());
        return VenuePlaceResult.Taken(result.OrderNumber, result.MessageCode, result.Message);
    }

    /// <summary>Cancels through the endpoint of the order's market (domestic or overseas), found by its symbol.</summary>
    public async Task<VenuePlaceResult> CancelAsync(VenueOrderRequest order, string venueOrderId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        string branch = _branches.TryGetValue(venueOrderId, out string? b) ? b : string.Empty;
        KisOrderResult result = KisMarkets.IsDomestic(order.Symbol)
            ? await Call(ct => _rest.CancelOrderAsync(venueOrderId, branch, ct), cancellationToken).ConfigureAwait(false)
            : await Call(ct => _rest.CancelOverseasOrderAsync(ExchangeOf(order.Symbol), order.Symbol, venueOrderId, ct), cancellationToken).ConfigureAwait(false);
        return result.Accepted
            ? VenuePlaceResult.Taken(venueOrderId, result.MessageCode, result.Message)
            : VenuePlaceResult.Refused(result.MessageCode, result.Message);
    }

    /// <summary>Looks in the list of the order's market only.</summary>
    public async Task<VenueOrderState?> FindAsync(VenueOrderRequest order, IReadOnlySet<string> claimed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(claimed);
        DateTimeOffset sentAt = _firstSent.TryGetValue(order.ClientOrderId, out DateTimeOffset t) ? t : DateTimeOffset.MinValue;
        IReadOnlyList<VenueOrderState> orders = await StatesAsync(KisMarkets.IsDomestic(order.Symbol) ? [_domestic] : [_overseas], cancellationToken).ConfigureAwait(false);
        foreach (VenueOrderState candidate in orders)
        {
            if (candidate.Symbol == order.Symbol && candidate.Side == order.Side && candidate.Quantity == order.Quantity
                && !claimed.Contains(candidate.VenueOrderId)
                && _firstSeen.TryGetValue(candidate.VenueOrderId, out DateTimeOffset seen) && seen >= sentAt)
            {
                return candidate; // the list is in order-number order: the earliest match
            }
        }

        return null;
    }

    /// <summary>The domestic and overseas lists merged (each read only when wanted; see the remarks).</summary>
    public Task<IReadOnlyList<VenueOrderState>> GetOrdersAsync(CancellationToken cancellationToken) =>
        StatesAsync([.. new[] { _domestic, _overseas }.Where(l => l.Wanted)], cancellationToken);

    /// <summary>
    /// The balance of the session's markets, per currency (issue 19): the KRW D+2 figure (<see cref="KisBalance.Cash"/>,
    /// not the deposit) when any symbol is domestic, the USD deposit (present balance) when any is US, each in
    /// <see cref="VenueHoldings.CashByCurrency"/> in its own currency; <see cref="VenueHoldings.Cash"/> is the KRW
    /// figure when there is one, else the USD one. Positions of both; KIS's USD rate in <see cref="VenueHoldings.FxRates"/>.
    /// </summary>
    public async Task<VenueHoldings> GetHoldingsAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<string> symbols = _overseasOptions.Symbols;
        bool domestic = symbols.Count == 0 || symbols.Any(KisMarkets.IsDomestic);
        bool overseas = symbols.Any(s => !KisMarkets.IsDomestic(s));
        KisBalance? krw = domestic ? await Call(ct => _rest.GetBalanceAsync(ct), cancellationToken).ConfigureAwait(false) : null;
        KisBalance? usd = overseas ? await Call(ct => _rest.GetOverseasBalanceAsync(ct), cancellationToken).ConfigureAwait(false) : null;
        var positions = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (KisPosition position in new[] { krw, usd }.SelectMany(b => b?.Positions ?? []))
        {
            positions[position.Symbol] = positions.GetValueOrDefault(position.Symbol) + position.Quantity;
        }

        var cash = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (krw is not null)
        {
            cash["KRW"] = krw.Cash;
        }

        if (usd is not null)
        {
            cash["USD"] = usd.Cash;
        }

        return new VenueHoldings((krw ?? usd)!.Cash, positions)
        {
            CashByCurrency = cash,
            FxRates = usd?.KrwPerUnit is { } rate ? [new VenueFxRate("USD", "KRW", rate, "frst_bltn_exrt")] : [],
        };
    }

    private async Task<IReadOnlyList<VenueOrderState>> StatesAsync(OrderList[] lists, CancellationToken cancellationToken)
    {
        var rows = new List<KisDailyOrder>();
        foreach (OrderList list in lists)
        {
            rows.AddRange(await ReadAsync(list, cancellationToken).ConfigureAwait(false));
        }

        // Revise/cancel requests are rows of their own pointing at the original (orgn_odno). A revision still
        // working or filled is an order; a canceled one is told from a cancel's row by being one this client made.
        var canceledOriginals = new HashSet<string>(StringComparer.Ordinal);
        foreach (KisDailyOrder row in rows)
        {
            if (!string.IsNullOrEmpty(row.OriginalOrderNumber) && row.Canceled)
            {
                canceledOriginals.Add(row.OriginalOrderNumber);
            }
        }

        var states = new List<VenueOrderState>(rows.Count);
        foreach (KisDailyOrder row in rows.OrderBy(r => r.OrderNumber, StringComparer.Ordinal))
        {
            if (!string.IsNullOrEmpty(row.OriginalOrderNumber) && row.Canceled && !_revisions.ContainsKey(row.OrderNumber))
            {
                continue; // a cancel request's own row; a revision (code 01) is an order of its own (issue 19)
            }

            long filled = Math.Min(row.FilledQuantity, row.OrderedQuantity);
            // The exact amount over the quantity, not KIS's rounded average, so fills sum to the venue's cash.
            decimal average = filled > 0 && row.FilledAmount > 0 ? row.FilledAmount / filled : row.AveragePrice;
            VenueOrderStatus status = filled >= row.OrderedQuantity ? VenueOrderStatus.Filled
                : row.Canceled || canceledOriginals.Contains(row.OrderNumber) || row.RemainingQuantity == 0 ? VenueOrderStatus.Canceled
                : VenueOrderStatus.Open;
            states.Add(new VenueOrderState(row.OrderNumber, null, row.Symbol, row.Side, row.OrderedQuantity, filled, average, status));
        }

        return states;
    }

    /// <summary>Reads one market's list for today (Seoul's date domestically, New York's for US orders, as KIS asks).</summary>
    private async Task<IReadOnlyList<KisDailyOrder>> ReadAsync(OrderList list, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        IReadOnlyList<KisDailyOrder> rows = list.Overseas
            ? await Call(ct => _rest.GetOverseasOrdersAsync(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, s_newYork).DateTime), ct), cancellationToken).ConfigureAwait(false)
            : await Call(ct => _rest.GetDailyOrdersAsync(DateOnly.FromDateTime((now + KoreaOffset).DateTime), ct), cancellationToken).ConfigureAwait(false);
        DateTimeOffset seen = list.MarkBaselined() ? DateTimeOffset.MinValue : _time.GetUtcNow();
        foreach (KisDailyOrder row in rows)
        {
            _firstSeen.TryAdd(row.OrderNumber, seen);
            if (!string.IsNullOrEmpty(row.OriginalOrderNumber) && !row.Canceled)
            {
                // A row pointing at an original that is not canceled is a revision (a cancel request's row is
                // canceled from birth): remember it, so it stays an order once canceled — also one an earlier
                // run made, which this client's own revise answers never told it of.
                _revisions.TryAdd(row.OrderNumber, 0);
            }
        }

        return rows;
    }

    private string ExchangeOf(string symbol) => KisMarkets.ExchangeOf(_overseasOptions.Exchanges, symbol);

    /// <summary>The cent price a US order goes with: a limit rounded never worse than asked, a market order collared off the last trade.</summary>
    private bool TryUsPrice(VenueOrderRequest order, out decimal price, [NotNullWhen(false)] out string? why)
    {
        bool buy = order.Side == Side.Buy;
        if (order.Type == OrderType.Limit)
        {
            price = Cents(FixedPoint.ToDecimal(order.LimitPriceRaw), up: !buy);
            why = price > 0 ? null : $"limit {FixedPoint.Format(order.LimitPriceRaw)} is below one cent: not sent";
            return why is null;
        }

        decimal? last = _overseasOptions.LastPrice?.Invoke(order.Symbol);
        if (last is not > 0)
        {
            price = 0;
            why = $"KIS overseas orders need a price and there is no last trade price for {order.Symbol} yet: market order not sent";
            return false;
        }

        decimal collar = _overseasOptions.Collar;
        price = buy ? Cents(last.Value * (1 + collar), up: true) : Cents(last.Value * (1 - collar), up: false);
        why = price > 0 ? null : $"the collared price for {order.Symbol} is below one cent: market order not sent";
        return why is null;
    }

    /// <summary>Rounds to the cent, up or down (never to nearest).</summary>
    internal static decimal Cents(decimal usd, bool up) =>
        decimal.Round(usd, 2, up ? MidpointRounding.ToPositiveInfinity : MidpointRounding.ToNegativeInfinity);

    /// <summary>One market's list of the day's orders: whether polls read it, and whether its first read (the baseline) happened.</summary>
    private sealed class OrderList(bool overseas, bool wanted)
    {
        private int _wanted = wanted ? 1 : 0;
        private int _baselined;

        public bool Overseas { get; } = overseas;

        public bool Wanted => Volatile.Read(ref _wanted) == 1;

        public bool Baselined => Volatile.Read(ref _baselined) == 1;

        public void Want() => Volatile.Write(ref _wanted, 1);

        /// <summary>True for the first read: what it lists was there before us.</summary>
        public bool MarkBaselined() => Interlocked.Exchange(ref _baselined, 1) == 0;
    }

    /// <summary>KIS-specific failures in the venue contract's terms.</summary>
    private static async Task<T> Call<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
        catch (KisAuthenticationException ex)
        {
            throw new VenueAuthenticationException(ex.Message, ex);
        }
        catch (KisQueryException ex)
        {
            throw new VenueTransientException(ex.Message, ex);
        }
    }

    /// <summary>Whole won, rounded so the limit is never worse than asked (buy down, sell up).</summary>
    internal static long WholeWon(long priceRaw, Side side)
    {
        long whole = priceRaw / FixedPoint.Scale;
        return side == Side.Sell && priceRaw % FixedPoint.Scale != 0 ? whole + 1 : whole;
    }

    public void Dispose() => _rest.Dispose();
}
