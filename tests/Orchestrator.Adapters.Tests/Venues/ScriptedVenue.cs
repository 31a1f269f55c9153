using System.Collections.Concurrent;
using System.Globalization;
using Orchestrator.Adapters.Venues;

namespace Orchestrator.Adapters.Tests.Venues;

/// <summary>What the scripted venue does with one placement request.</summary>
internal enum PlaceBehaviour
{
    /// <summary>Books the order and answers.</summary>
    Book,

    /// <summary>Books the order, then the answer is lost (a 500 after the fact).</summary>
    BookThenFail,

    /// <summary>Fails before booking (a 500 that never reached the book).</summary>
    Fail,

    /// <summary>Says 429 / EGW00201 without booking.</summary>
    RateLimited,

    /// <summary>Refuses for a business reason.</summary>
    Refuse,

    /// <summary>Books the order and never answers (the client's timeout ends the attempt).</summary>
    BookThenHang,
}

/// <summary>
/// An in-memory venue behind <see cref="IVenueClient"/> for the gateway's decision logic
/// (retry, find-before-retry, doubt, cumulative fills). The real clients (KIS, Alpaca) run
/// against the exchange simulator in their own tests and in the gateway's simulator tests.
/// </summary>
internal sealed class ScriptedVenue : IVenueClient
{
    private readonly ConcurrentQueue<PlaceBehaviour> _script = new();
    private readonly ConcurrentDictionary<string, VenueOrderState> _book = new(StringComparer.Ordinal);
    private int _nextId;
    private int _placeCalls;
    private int _cancelCalls;

    public string Name => "scripted";

    /// <summary>When set, FindAsync fails (lookups by order are unreachable).</summary>
    public bool FindFails { get; set; }

    /// <summary>When set, GetOrdersAsync fails (the order list is unreachable).</summary>
    public bool ListFails { get; set; }

    public int PlaceCalls => Volatile.Read(ref _placeCalls);

    public int CancelCalls => Volatile.Read(ref _cancelCalls);

    public int BookedOrders => _book.Count;

    /// <summary>Behaviours for the next placements, in order; after the script runs out: Book.</summary>
    public void Script(params PlaceBehaviour[] behaviours)
    {
        foreach (PlaceBehaviour b in behaviours)
        {
            _script.Enqueue(b);
        }
    }

    public VenueOrderState Order(string venueId) => _book[venueId];

    public VenueOrderState OrderFor(long clientOrderId) => _book.Values.Single(o => o.ClientOrderId == clientOrderId);

    /// <summary>Fills <paramref name="quantity"/> more shares of an order at <paramref name="price"/>.</summary>
    public VenueOrderState Fill(string venueId, long quantity, decimal price)
    {
        VenueOrderState o = _book[venueId];
        long filled = o.FilledQuantity + quantity;
        decimal average = ((o.AverageFillPrice * o.FilledQuantity) + (price * quantity)) / filled;
        VenueOrderState next = o with { FilledQuantity = filled, AverageFillPrice = average, Status = filled == o.Quantity ? VenueOrderStatus.Filled : VenueOrderStatus.Open };
        _book[venueId] = next;
        return next;
    }

    public async Task<VenuePlaceResult> PlaceAsync(VenueOrderRequest order, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _placeCalls);
        PlaceBehaviour behaviour = _script.TryDequeue(out PlaceBehaviour b) ? b : PlaceBehaviour.Book;
        switch (behaviour)
        {
            case PlaceBehaviour.Fail:
                throw new VenueTransientException("HTTP 500");
            case PlaceBehaviour.RateLimited:
                throw new VenueTransientException("too many requests") { RateLimited = true, Code = "EGW00201" };
            case PlaceBehaviour.Refuse:
                return VenuePlaceResult.Refused("APBK0952", "insufficient cash");
        }

        string id = Interlocked.Increment(ref _nextId).ToString("0000000000", CultureInfo.InvariantCulture);
        _book[id] = new VenueOrderState(id, order.ClientOrderId, order.Symbol, order.Side, order.Quantity, 0, 0m, VenueOrderStatus.Open);
        if (behaviour == PlaceBehaviour.BookThenFail)
        {
            throw new VenueTransientException("HTTP 500 after booking");
        }

        if (behaviour == PlaceBehaviour.BookThenHang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }

        return VenuePlaceResult.Taken(id);
    }

    public Task<VenuePlaceResult> CancelAsync(VenueOrderRequest order, string venueOrderId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _cancelCalls);
        VenueOrderState o = _book[venueOrderId];
        if (o.Status != VenueOrderStatus.Open)
        {
            return Task.FromResult(VenuePlaceResult.Refused("APBK0918", "nothing left to cancel"));
        }

        _book[venueOrderId] = o with { Status = VenueOrderStatus.Canceled };
        return Task.FromResult(VenuePlaceResult.Taken(venueOrderId));
    }

    /// <summary>Amends as KIS and Alpaca do: the open order is replaced by a new venue order for the quantity still to trade.</summary>
    public Task<VenuePlaceResult> AmendAsync(VenueOrderRequest amended, string venueOrderId, long filledQuantity, CancellationToken cancellationToken)
    {
        VenueOrderState o = _book[venueOrderId];
        if (o.Status != VenueOrderStatus.Open)
        {
            return Task.FromResult(VenuePlaceResult.Refused("APBK0918", "nothing left to revise"));
        }

        _book[venueOrderId] = o with { Status = VenueOrderStatus.Canceled, Reason = "replaced" };
        string id = "S" + Interlocked.Increment(ref _nextId).ToString("D6", CultureInfo.InvariantCulture);
        _book[id] = new VenueOrderState(id, null, o.Symbol, o.Side, amended.Quantity - filledQuantity, 0, 0m, VenueOrderStatus.Open);
        return Task.FromResult(VenuePlaceResult.Taken(id));
    }

    public Task<VenueOrderState?> FindAsync(VenueOrderRequest order, IReadOnlySet<string> claimed, CancellationToken cancellationToken)
    {
        if (FindFails)
        {
            throw new VenueTransientException("lookup failed");
        }

        // By client id (Alpaca); an order booked without one is matched by its terms (KIS).
        return Task.FromResult(_book.Values.OrderBy(o => o.VenueOrderId, StringComparer.Ordinal).FirstOrDefault(o =>
            !claimed.Contains(o.VenueOrderId)
            && (o.ClientOrderId == order.ClientOrderId
                || (o.ClientOrderId is null && o.Symbol == order.Symbol && o.Side == order.Side && o.Quantity == order.Quantity))));
    }

    public Task<IReadOnlyList<VenueOrderState>> GetOrdersAsync(CancellationToken cancellationToken) => ListFails
        ? throw new VenueTransientException("order list failed")
        : Task.FromResult<IReadOnlyList<VenueOrderState>>([.. _book.Values]);

    /// <summary>Cash the account starts with (fills move it).</summary>
    public decimal StartingCash { get; set; } = 1_000_000m;

    /// <summary>Positions the account held before any order here (e.g. bought by hand).</summary>
    public Dictionary<string, decimal> HeldBefore { get; } = new(StringComparer.Ordinal);

    /// <summary>Cash and positions from the starting figures and the book's fills.</summary>
    public Task<VenueHoldings> GetHoldingsAsync(CancellationToken cancellationToken)
    {
        var positions = new Dictionary<string, decimal>(HeldBefore, StringComparer.Ordinal);
        decimal cash = StartingCash;
        foreach (VenueOrderState o in _book.Values)
        {
            decimal signed = o.Side == Orchestrator.Core.Side.Buy ? o.FilledQuantity : -o.FilledQuantity;
            positions[o.Symbol] = positions.GetValueOrDefault(o.Symbol) + signed;
            cash -= signed * o.AverageFillPrice;
        }

        return Task.FromResult(new VenueHoldings(cash, positions));
    }

    /// <summary>Books an order the engine never sent (one placed by hand, or a lost request that did arrive).</summary>
    public string Book(VenueOrderState order)
    {
        string id = Interlocked.Increment(ref _nextId).ToString("0000000000", CultureInfo.InvariantCulture);
        _book[id] = order with { VenueOrderId = id };
        return id;
    }

    public void Dispose()
    {
    }
}
