using Orchestrator.Adapters.Venues;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Kis;

/// <summary>Amend (issue 19): KIS <c>order-rvsecncl</c> with revise code 01.</summary>
public sealed partial class KisVenueClient
{
    /// <summary>
    /// Order numbers of revisions: orders of their own in the day's list, also once canceled. Those this client
    /// made, and those it saw on a list while they worked (an earlier run's, found after a restart).
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _revisions = new(StringComparer.Ordinal);

    /// <summary>
    /// Revises a limit order with revise code 01 and ORGN_ODNO = the order's number. Domestic
    /// (<c>order-rvsecncl</c>, with its branch): ORD_QTY is the quantity still to trade (the new total less
    /// <paramref name="filledQuantity"/>; KIS revises the open remainder), ORD_UNPR the new whole-won limit.
    /// US (overseas <c>order-rvsecncl</c>, TTTT1004U, on the symbol's exchange): the same quantity, and
    /// OVRS_ORD_UNPR the new limit in cents, rounded never worse than asked, as a new order's.
    /// KIS books the revision under a new order number, which is returned (the gateway retires the old
    /// one). Refused without a request: a market order (KIS revises a price; a US market order rests as a
    /// collared limit the engine did not price).
    /// </summary>
    public async Task<VenuePlaceResult> AmendAsync(VenueOrderRequest amended, string venueOrderId, long filledQuantity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(amended);
        ArgumentException.ThrowIfNullOrWhiteSpace(venueOrderId);
        if (amended.Type != OrderType.Limit)
        {
            return VenuePlaceResult.Refused("UNSUPPORTED", $"KIS revise is sent for limit orders only; {amended.Symbol} {amended.Type} was not revised");
        }

        long remaining = amended.Quantity - filledQuantity;
        KisOrderResult result;
        if (KisMarkets.IsDomestic(amended.Symbol))
        {
            string branch = _branches.TryGetValue(venueOrderId, out string? b) ? b : string.Empty;
            long priceKrw = WholeWon(amended.LimitPriceRaw, amended.Side);
            result = await Call(ct => _rest.ReviseOrderAsync(venueOrderId, branch, remaining, priceKrw, ct), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (!TryUsPrice(amended, out decimal priceUsd, out string? why))
            {
                return VenuePlaceResult.Refused("NO_PRICE", why);
            }

            result = await Call(ct => _rest.ReviseOverseasOrderAsync(ExchangeOf(amended.Symbol), amended.Symbol, venueOrderId, remaining, priceUsd, ct), cancellationToken).ConfigureAwait(false);
        }

        if (!result.Accepted || string.IsNullOrEmpty(result.OrderNumber))
        {
            return VenuePlaceResult.Refused(result.MessageCode, result.Message ?? "KIS refused the revision");
        }

        if (result.BranchNumber is { } newBranch)
        {
            _branches[result.OrderNumber] = newBranch;
        }

        _firstSeen.TryAdd(result.OrderNumber, _time.GetUtcNow());
        _revisions.TryAdd(result.OrderNumber, 0);
        return VenuePlaceResult.Taken(result.OrderNumber, result.MessageCode, result.Message);
    }
}
