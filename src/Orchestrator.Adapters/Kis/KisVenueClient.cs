using System.Collections.Concurrent;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Kis;

/// <summary>
/// KIS domestic cash orders as the broker gateway drives them. KIS has no client order id, so
/// the venue's record of our orders is the day's order list: an order in doubt is found there by
/// symbol, side and quantity among the orders that appeared after it was first sent and that no
/// other engine order has claimed. Orders that were already on the list before this client
/// first looked (placed by hand, or by an earlier run) are never taken for ours.
/// </summary>
/// <remarks>
/// Prices: KIS takes whole won. A buy limit is rounded down and a sell limit up, so rounding
/// never trades worse than the engine asked. Stop orders and IOC/FOK are not offered through
/// <c>order-cash</c> here: they are refused with a clear reason rather than sent as something else.
/// </remarks>
public sealed class KisVenueClient : IVenueClient
{
    private static readonly TimeSpan KoreaOffset = TimeSpan.FromHours(9);

    private readonly KisRestClient _rest;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<long, DateTimeOffset> _firstSent = new();
    private readonly ConcurrentDictionary<string, string> _branches = new(StringComparer.Ordinal);

    // When each venue order number was first seen on the day's list: a candidate first seen
    // before our order was sent cannot be it.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _firstSeen = new(StringComparer.Ordinal);
    private int _baselined;

    public KisVenueClient(KisRestClient rest, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(rest);
        _rest = rest;
        _time = time ?? TimeProvider.System;
    }

    public string Name => "kis";

    /// <summary>
    /// Issues the access token and reads the day's orders once, so orders already at the venue
    /// are known as not ours. Call at start-up; a wrong key fails here, before any order.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await Call(ct => _rest.GetAccessTokenAsync(ct), cancellationToken).ConfigureAwait(false);
        await DailyOrdersAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<VenuePlaceResult> PlaceAsync(VenueOrderRequest order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.Type is OrderType.Stop or OrderType.StopLimit || order.TimeInForce != TimeInForce.Day)
        {
            return VenuePlaceResult.Refused("UNSUPPORTED", $"KIS cash orders here are day market or limit orders; {order.Type} {order.TimeInForce} was not sent");
        }

        if (Interlocked.CompareExchange(ref _baselined, 0, 0) == 0)
        {
            await DailyOrdersAsync(cancellationToken).ConfigureAwait(false); // never guess ownership without a baseline
        }

        _firstSent.TryAdd(order.ClientOrderId, _time.GetUtcNow());
        long priceKrw = order.Type == OrderType.Limit ? WholeWon(order.LimitPriceRaw, order.Side) : 0;
        KisOrderResult result = await Call(ct => _rest.PlaceCashOrderAsync(order.Symbol, order.Side, order.Quantity, priceKrw, ct), cancellationToken).ConfigureAwait(false);
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

    public async Task<VenuePlaceResult> CancelAsync(VenueOrderRequest order, string venueOrderId, CancellationToken cancellationToken)
    {
        string branch = _branches.TryGetValue(venueOrderId, out string? b) ? b : string.Empty;
        KisOrderResult result = await Call(ct => _rest.CancelOrderAsync(venueOrderId, branch, ct), cancellationToken).ConfigureAwait(false);
        return result.Accepted
            ? VenuePlaceResult.Taken(venueOrderId, result.MessageCode, result.Message)
            : VenuePlaceResult.Refused(result.MessageCode, result.Message);
    }

    public async Task<VenueOrderState?> FindAsync(VenueOrderRequest order, IReadOnlySet<string> claimed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(claimed);
        DateTimeOffset sentAt = _firstSent.TryGetValue(order.ClientOrderId, out DateTimeOffset t) ? t : DateTimeOffset.MinValue;
        IReadOnlyList<VenueOrderState> orders = await GetOrdersAsync(cancellationToken).ConfigureAwait(false);
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

    public async Task<IReadOnlyList<VenueOrderState>> GetOrdersAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<KisDailyOrder> rows = await DailyOrdersAsync(cancellationToken).ConfigureAwait(false);

        // Revise/cancel requests are rows of their own pointing at the original (orgn_odno).
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
            if (!string.IsNullOrEmpty(row.OriginalOrderNumber))
            {
                continue;
            }

            long filled = Math.Min(row.FilledQuantity, row.OrderedQuantity);
            // The exact amount over the quantity, not KIS's rounded avg_prvs, so fills sum to the venue's cash.
            decimal average = filled > 0 && row.FilledAmount > 0 ? row.FilledAmount / filled : row.AveragePrice;
            VenueOrderStatus status = filled >= row.OrderedQuantity ? VenueOrderStatus.Filled
                : row.Canceled || canceledOriginals.Contains(row.OrderNumber) || row.RemainingQuantity == 0 ? VenueOrderStatus.Canceled
                : VenueOrderStatus.Open;
            states.Add(new VenueOrderState(row.OrderNumber, null, row.Symbol, row.Side, row.OrderedQuantity, filled, average, status));
        }

        return states;
    }

    private async Task<IReadOnlyList<KisDailyOrder>> DailyOrdersAsync(CancellationToken cancellationToken)
    {
        DateOnly today = DateOnly.FromDateTime((_time.GetUtcNow() + KoreaOffset).DateTime);
        IReadOnlyList<KisDailyOrder> rows = await Call(ct => _rest.GetDailyOrdersAsync(today, ct), cancellationToken).ConfigureAwait(false);
        bool baseline = Interlocked.Exchange(ref _baselined, 1) == 0;
        DateTimeOffset seen = baseline ? DateTimeOffset.MinValue : _time.GetUtcNow();
        foreach (KisDailyOrder row in rows)
        {
            _firstSeen.TryAdd(row.OrderNumber, seen);
        }

        return rows;
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
