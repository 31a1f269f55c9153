using System.Collections.Concurrent;
using System.Globalization;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Venues;

/// <summary>Amends (issue 19): the engine's <see cref="OrderCommandKind.AmendOrder"/> to the venue and its answer back.</summary>
public sealed partial class VenueBrokerGateway
{
    /// <summary>Venue ids of orders an amend replaced (KIS and Alpaca give the amended order a new id): their updates are not the engine's order any more.</summary>
    private readonly ConcurrentDictionary<string, byte> _replacedVenueIds = new(StringComparer.Ordinal);
    private long _amendRequests;

    /// <summary>The engine's amends a worker has taken up (sent, held until the order's venue id is known, or refused at once).</summary>
    public long AmendRequests => Interlocked.Read(ref _amendRequests);

    private async Task AmendAsync(long clientOrderId, AmendTerms terms)
    {
        Interlocked.Increment(ref _amendRequests);
        if (!_byClientId.TryGetValue(clientOrderId, out TrackedOrder? tracked))
        {
            s_logger.Warn("Broker {0}: amend for order {1}, which this gateway never placed", VenueName, clientOrderId);
            return;
        }

        lock (tracked)
        {
            if (tracked.Terminal)
            {
                // Done before the amend reached it: the engine has (or will have) the order's end; nothing is pending any more.
                Emit(tracked, ExecutionType.AmendRejected, 0, 0, 0, RejectReason.NoSuchOrder);
                return;
            }

            tracked.PendingAmend = terms;
        }

        await AmendIfRequestedAsync(tracked).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a pending amend once the order has a venue id (a placement still resolving amends when it
    /// resolves; one in doubt when found). Taken: the order's terms become the amend's, its venue id the
    /// one the venue answered with (the old one is retired, the new one kept in the order log before
    /// the engine hears <see cref="ExecutionType.Replaced"/>). Refused: <see cref="ExecutionType.AmendRejected"/>,
    /// logged with the venue's code and words. Not answered: tried again by the next poll.
    /// </summary>
    private async Task AmendIfRequestedAsync(TrackedOrder tracked)
    {
        AmendTerms terms;
        string venueId;
        VenueOrderRequest request;
        long filled;
        lock (tracked)
        {
            if (tracked.PendingAmend is not { } pending || tracked.AmendSent || tracked.Terminal || tracked.VenueOrderId is null || tracked.CancelRequested)
            {
                return;
            }

            tracked.AmendSent = true;
            terms = pending;
            venueId = tracked.VenueOrderId;
            request = tracked.Request;
            filled = tracked.ReportedFilled;
        }

        VenueOrderRequest amended = request with { Quantity = terms.Quantity, LimitPriceRaw = terms.LimitRaw, StopPriceRaw = terms.StopRaw };

        VenuePlaceResult result;
        try
        {
            result = await _pipeline.ExecuteAsync(
                static (s, ct) => new ValueTask<VenuePlaceResult>(s.Client.AmendAsync(s.Amended, s.VenueId, s.Filled, ct)),
                (Client: _client, Amended: amended, VenueId: venueId, Filled: filled), _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stop.IsCancellationRequested)
        {
            lock (tracked)
            {
                tracked.AmendSent = false; // the poll loop tries again
            }

            s_logger.Warn("Broker {0}: amend of order {1} not confirmed ({2}); will try again", VenueName, request.ClientOrderId, Describe(ex));
            NoteFailure(ex, "amending order " + request.ClientOrderId.ToString(CultureInfo.InvariantCulture));
            return;
        }

        if (!result.Accepted)
        {
            s_logger.Warn("Broker {0} refused the amend of order {1} ({2} {3} to {4} @ {5}): {6} {7}", VenueName, request.ClientOrderId, request.Symbol, request.Side, terms.Quantity,
                FixedPoint.Format(terms.LimitRaw), result.Code, result.Message);
            lock (tracked)
            {
                tracked.AmendSent = false;
                tracked.PendingAmend = null;
                if (!tracked.Terminal)
                {
                    Emit(tracked, ExecutionType.AmendRejected, 0, 0, request.Quantity - tracked.ReportedFilled);
                }
            }

            return;
        }

        string newVenueId = result.VenueOrderId ?? venueId;
        lock (tracked)
        {
            if (newVenueId != venueId)
            {
                _replacedVenueIds[venueId] = 0;
                _byVenueId.TryRemove(venueId, out _);
                tracked.VenueOrderId = newVenueId;
                tracked.FilledBase = tracked.ReportedFilled; // the new venue order counts its own fills from 0
                tracked.NotionalBase = tracked.ReportedNotional;
            }

            tracked.Request = amended;
            tracked.PendingAmend = null;
            tracked.AmendSent = false;
        }

        if (newVenueId != venueId)
        {
            _byVenueId[newVenueId] = tracked;
            _foreign.Claim(newVenueId);
            try
            {
                _orderLog?.Append(request.ClientOrderId, newVenueId); // the last line of an id wins when the log is read
            }
            catch (IOException ex)
            {
                s_logger.Error("Broker {0}: could not keep venue id {1} of amended order {2} in {3}: {4}", VenueName, newVenueId, request.ClientOrderId, _orderLog!.Path, ex.Message);
            }
        }

        lock (tracked)
        {
            if (!tracked.Terminal)
            {
                Emit(tracked, ExecutionType.Replaced, 0, 0, tracked.Request.Quantity - tracked.ReportedFilled);
            }
        }

        RequestRefresh();
    }

    /// <summary>An amend's new total quantity (fills included) and prices.</summary>
    private sealed record AmendTerms(long Quantity, long LimitRaw, long StopRaw);
}
