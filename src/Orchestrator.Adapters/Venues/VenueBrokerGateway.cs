using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Disruptor;
using NLog;
using Orchestrator.Core;
using Orchestrator.Engine.Metrics;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Orchestrator.Adapters.Venues;

/// <summary>
/// The broker gateway for a real venue (KIS, Alpaca): the outbound ring's consumer hands each
/// order, cancel or amend (<c>VenueBrokerGateway.Amend.cs</c>) to a small pool of async workers, which call the venue through one resilience
/// pipeline, and every answer comes back as execution reports published into the inbound ring.
/// </summary>
/// <remarks>
/// <para>
/// Pipeline, outermost first: retry (up to <see cref="VenueGatewayOptions.MaxRetries"/>, jittered
/// exponential backoff, longer after 429/EGW00201; only on timeouts, 5xx, 429 and unreadable
/// answers — never on a business reject) → circuit breaker (shared by every call to the venue; 429 and
/// EGW00201 do not count: they are back-pressure, not an outage) → sliding-window rate limiter (never
/// more than the rate in any 1 s; keeps retries from becoming a storm) → per-attempt timeout.
/// </para>
/// <para>
/// An order is never sent twice: a retry of a placement whose outcome was not seen only asks the
/// venue whether it has the order (Alpaca by client order id, KIS by matching the day's orders);
/// not there yet, it is not resent (the first request may still land) but becomes Unknown (its
/// symbol pauses in the engine, CRITICAL in the log), as when retries are spent or the breaker
/// opens after a send, and the poll loop keeps looking until the venue shows it or
/// <see cref="VenueGatewayOptions.UnknownGrace"/> passes without it (then it is declared never
/// placed). Only an attempt that never went out, or that the venue turned away for load, is sent
/// again. Venue orders that belong to no engine order are judged by <see cref="ForeignOrderWatch"/>:
/// a fill of one during the run raises <see cref="VenueIncidentKind.ForeignFill"/>.
/// </para>
/// <para>
/// Fills are learned from cumulative order states — a poll of the venue's orders (while any
/// order is working) and any push stream (<see cref="IVenueUpdateSink"/>) — so the same fill seen
/// twice is reported once. Slow path throughout; only <see cref="OnEvent"/> runs on the gateway's
/// ring thread, and it only tracks orders and enqueues (in the engine's order, so a cancel always
/// finds the order it follows, whichever worker takes it).
/// </para>
/// </remarks>
public sealed partial class VenueBrokerGateway : IValueEventHandler<OrderCommand>, IVenueUpdateSink, IAsyncDisposable
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Broker");

    /// <summary>With no order working, the venue's orders are still read every this many poll intervals (foreign fills).</summary>
    private const int IdlePollIntervals = 10;

    private readonly IVenueClient _client;
    private readonly SymbolTable _symbols;
    private readonly IExecutionReportSink _reports;
    private readonly LatencyRecorder? _latency;
    private readonly VenueGatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly VenueOrderLog? _orderLog;
    private readonly Channel<QueuedCommand> _queue;
    private readonly Channel<byte> _wake = Channel.CreateBounded<byte>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ResiliencePipeline _pipeline;
    private readonly SlidingLogRateLimiter _limiter;
    private readonly ConcurrentDictionary<long, TrackedOrder> _byClientId = new();
    private readonly ConcurrentDictionary<string, TrackedOrder> _byVenueId = new(StringComparer.Ordinal);
    private readonly ForeignOrderWatch _foreign = new();
    private readonly CancellationTokenSource _stop = new();
    private Task[] _workers = [];
    private Task _poller = Task.CompletedTask;
    private int _inFlight;
    private long _placements;
    private long _cancelRequests;
    private long _retries;
    private long _foundBeforeRetry;
    private long _unknown;
    private long _brokerRejects;
    private long _pollFailures;
    private long _circuitOpenings;
    private long _recoveredNeverPlaced;
    private long _recoveredFillReports;
    private long _unexpectedFailures;
    private volatile bool _pollFailing;

    /// <summary>
    /// A gateway for <paramref name="client"/>'s venue. <paramref name="orderLog"/> (with a journal) is where venue
    /// order ids are made durable before an order is reported accepted; null = not kept.
    /// </summary>
    public VenueBrokerGateway(IVenueClient client, SymbolTable symbols, IExecutionReportSink reports, VenueGatewayOptions? options = null, LatencyRecorder? latency = null, TimeProvider? time = null, VenueOrderLog? orderLog = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _orderLog = orderLog;
        _symbols = symbols;
        _reports = reports;
        _latency = latency;
        _options = options ?? new VenueGatewayOptions();
        _time = time ?? TimeProvider.System;
        IReadOnlyList<string> errors = _options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid gateway options: " + string.Join("; ", errors), nameof(options));
        }

        _queue = Channel.CreateBounded<QueuedCommand>(new BoundedChannelOptions(_options.QueueCapacity) { SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        // Exact per-second limit: a token bucket lets twice the rate through across a second boundary.
        _limiter = new SlidingLogRateLimiter(_options.RequestsPerSecond, TimeSpan.FromSeconds(1));
        _pipeline = BuildPipeline();
    }

    /// <summary>Each symbol's quantity unit (issue 19): orders carry their symbol's decimals to the venue; null = whole shares.</summary>
    public QuantityUnits? Units { get; init; }

    /// <summary>The venue's name ("kis", "alpaca").</summary>
    public string VenueName => _client.Name;

    /// <summary>Orders handed to the venue (first attempts).</summary>
    public long Placements => Interlocked.Read(ref _placements);

    /// <summary>
    /// The engine's cancels a worker has taken up: sent, held until the order's venue id is known, or
    /// (an order this gateway never saw, or already finished) logged and dropped.
    /// </summary>
    public long CancelRequests => Interlocked.Read(ref _cancelRequests);

    /// <summary>Retries of any call.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Placements found at the venue before a retry would have resent them (duplicates avoided).</summary>
    public long FoundBeforeRetry => Interlocked.Read(ref _foundBeforeRetry);

    /// <summary>Orders that went into doubt.</summary>
    public long UnknownOrders => Interlocked.Read(ref _unknown);

    /// <summary>Orders the venue refused for a business reason.</summary>
    public long BrokerRejects => Interlocked.Read(ref _brokerRejects);

    /// <summary>Reads of the venue's orders that failed after their retries.</summary>
    public long PollFailures => Interlocked.Read(ref _pollFailures);

    /// <summary>Whether the latest read of the venue's orders failed.</summary>
    public bool PollFailing => _pollFailing;

    /// <summary>Times the circuit breaker opened.</summary>
    public long CircuitOpenings => Interlocked.Read(ref _circuitOpenings);

    /// <summary>
    /// Venue orders that belong to no engine order (placed by hand, or by a run before a crash): working
    /// ones, and any the venue filled during the run. An order of ours the venue listed before its answer
    /// came is not counted (or no longer, once adopted).
    /// </summary>
    public int UnexplainedVenueOrders => _foreign.Count;

    /// <summary>Unexpected failures (not a venue's answer: a bug, or an answer no rule foresaw) the workers and the poll loop survived.</summary>
    public long UnexpectedFailures => Interlocked.Read(ref _unexpectedFailures);

    /// <summary>Orders not yet finished as the gateway knows them.</summary>
    public int OpenOrders => _byClientId.Values.Count(t => !t.Terminal);

    /// <summary>Orders whose fate the venue has not told yet (sent, never confirmed; or recovered without a venue id).</summary>
    public int OrdersInDoubt => _byClientId.Values.Count(t => t.InDoubt && !t.Terminal);

    /// <summary>Engine symbol ids with an order in doubt (their positions cannot be compared yet).</summary>
    public HashSet<int> SymbolsInDoubt() => [.. _byClientId.Values.Where(t => t.InDoubt && !t.Terminal).Select(t => t.Request.SymbolId)];

    /// <summary>Recovered orders declared never placed (not at the venue after the grace).</summary>
    public long RecoveredNeverPlaced => Interlocked.Read(ref _recoveredNeverPlaced);

    /// <summary>Fill reports emitted for recovered orders (fills that happened while the daemon was down, or after).</summary>
    public long RecoveredFillReports => Interlocked.Read(ref _recoveredFillReports);

    /// <summary>Raised when reads of the venue's orders work again after failing (the broker is reachable again).</summary>
    public event Action? Reconnected;

    /// <summary>Raised when an order in doubt is settled (found at the venue, or declared never placed), after its reports.</summary>
    public event Action? DoubtResolved;

    /// <summary>
    /// Raised (on a gateway thread) when a person must act: the circuit opened, the venue refused
    /// our credentials, or it refused an order for want of funds. Handlers must not block.
    /// </summary>
    public event Action<VenueIncident>? Incident;

    /// <summary>
    /// Raised (on a gateway thread) when an incident's cause is gone: a <see cref="VenueIncidentKind.BrokerOutage"/>
    /// when the circuit closes again (a request through it succeeded). Handlers must not block.
    /// </summary>
    public event Action<VenueIncident>? IncidentCleared;

    /// <summary>
    /// Takes over the orders a restarted engine recovered from its journal as open, before
    /// <see cref="Start"/>: their venue ids come from the <see cref="VenueOrderLog"/>; an order
    /// with none is in doubt (its symbol pauses) until the venue's records show it or the grace
    /// passes (then it was never placed). Fills the venue made meanwhile are reported by the next
    /// read of the venue's orders (cumulative: what the engine already has is not reported again).
    /// Returns how many orders are in doubt.
    /// </summary>
    public int Recover(IReadOnlyList<RecoveredOrder> orders)
    {
        ArgumentNullException.ThrowIfNull(orders);
        int inDoubt = 0;
        DateTimeOffset now = _time.GetUtcNow();
        foreach (RecoveredOrder order in orders)
        {
            var tracked = new TrackedOrder(order.Request, now)
            {
                Sent = true,
                Recovered = true,
                Acknowledged = order.Status is OrderStatus.Accepted or OrderStatus.PartiallyFilled,
                ReportedFilled = order.FilledQuantity,
                ReportedNotional = FixedPoint.ToDecimal(order.AvgFillPriceRaw) * order.FilledQuantity,
                CancelRequested = order.CancelPending, // in flight at the stop: sent again once the order's venue id is known
                PendingAmend = order.AmendQuantity > 0 ? new AmendTerms(order.AmendQuantity, order.AmendLimitRaw, order.AmendStopRaw) : null,
            };
            _byClientId[order.Request.ClientOrderId] = tracked;
            if (_orderLog is not null && _orderLog.TryGet(order.Request.ClientOrderId, out string venueId))
            {
                tracked.VenueOrderId = venueId;
                _byVenueId[venueId] = tracked;
                continue;
            }

            tracked.InDoubt = true;
            inDoubt++;
            if (order.Status is OrderStatus.New or OrderStatus.PendingNew)
            {
                Emit(tracked, ExecutionType.Unknown, 0, 0, order.Request.Quantity); // its symbol pauses until settled
            }

            if (tracked.Acknowledged)
            {
                s_logger.Fatal("Broker {0}: recovered order {1} was accepted but its venue id was not kept; looking for it in the venue's records", VenueName, order.Request.ClientOrderId);
            }
        }

        return inDoubt;
    }

    /// <summary>
    /// Reads the venue's orders once now, applies them (missed fills and ends become execution
    /// reports) and chases orders in doubt. False if the venue could not be read.
    /// </summary>
    public async Task<bool> PollNowAsync(CancellationToken cancellationToken)
    {
        await PollOnceAsync(cancellationToken).ConfigureAwait(false);
        return !_pollFailing;
    }

    /// <summary>Starts the workers and the poll loop.</summary>
    public void Start()
    {
        var workers = new Task[_options.Concurrency];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(WorkAsync);
        }

        _workers = workers;
        _poller = Task.Run(PollLoopAsync);
    }

    /// <summary>
    /// The outbound ring's handler (gateway thread): an order is tracked here, in the engine's order,
    /// then queued for a worker; a full queue holds the ring. Tracking here, not in the worker, is what
    /// keeps a cancel right behind its order from being taken up first by another worker and dropped
    /// as the cancel of an order this gateway never placed.
    /// </summary>
    public void OnEvent(ref OrderCommand data, long sequence, bool endOfBatch)
    {
        QueuedCommand queued;
        if (data.Kind == OrderCommandKind.SubmitOrder)
        {
            _latency?.Record(data);
            queued = new QueuedCommand(data.ClientOrderId, Track(data));
        }
        else if (data.Kind == OrderCommandKind.CancelOrder)
        {
            queued = new QueuedCommand(data.ClientOrderId, null);
        }
        else if (data.Kind == OrderCommandKind.AmendOrder)
        {
            queued = new QueuedCommand(data.ClientOrderId, null, new AmendTerms(data.Quantity, data.LimitPriceRaw, data.StopPriceRaw));
        }
        else
        {
            return;
        }

        if (!_queue.Writer.TryWrite(queued))
        {
            // Back-pressure: the outbound ring fills behind us and the engine refuses with GatewayBusy.
            _queue.Writer.WriteAsync(queued).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Tests only: runs inside <see cref="Adopt"/> after the order took its venue id and before that id finds it.</summary>
    internal Action<string>? AdoptingHook { get; set; }

    /// <inheritdoc/>
    public void OnVenueOrderUpdate(VenueOrderState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_replacedVenueIds.ContainsKey(state.VenueOrderId))
        {
            return; // an order an amend replaced (its successor carries the engine's order on)
        }

        TrackedOrder? tracked = Find(state);
        if (tracked is not null)
        {
            Apply(tracked, state);
        }
        else
        {
            NoteUnexplained(state);
        }

        ApplyLegs(tracked, state);
    }

    /// <inheritdoc/>
    public void RequestRefresh() => _wake.Writer.TryWrite(0);

    /// <summary>
    /// Waits until every queued command has been handled, no order is in doubt (the poll keeps
    /// looking for them: found ones get the cancel they were sent, absent ones are declared never
    /// placed after the grace), and one last read of the venue's orders has been applied — at
    /// shutdown, so the engine sees the cancels' outcome before it stops.
    /// </summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout, _time);
        try
        {
            while (_queue.Reader.Count > 0 || Volatile.Read(ref _inFlight) > 0 || OrdersInDoubt > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), _time, deadline.Token).ConfigureAwait(false);
            }

            await PollOnceAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            s_logger.Warn("Broker {0}: flush did not finish within {1:0}s; {2} orders still open at the venue as far as we know, {3} of them in doubt (the next start settles them)", VenueName, timeout.TotalSeconds, OpenOrders, OrdersInDoubt);
        }
    }

    private ResiliencePipeline BuildPipeline()
    {
        var transient = new PredicateBuilder().Handle<VenueTransientException>().Handle<HttpRequestException>().Handle<TimeoutRejectedException>()
            .Handle<OperationCanceledException>(_ => !_stop.IsCancellationRequested);
        return new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = _options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.Backoff,
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    args.Outcome.Exception is VenueTransientException { RateLimited: true }
                        ? _options.RateLimitedBackoff * (1 << Math.Min(args.AttemptNumber, 6)) * (1 + (Random.Shared.NextDouble() * 0.25))
                        : null),
                OnRetry = args =>
                {
                    Interlocked.Increment(ref _retries);
                    s_logger.Warn("Broker {0}: retry {1} in {2:0}ms after {3}", VenueName, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, Describe(args.Outcome.Exception));
                    return default;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                // "Too many requests" (429, KIS EGW00201) is back-pressure from a venue that works: retried later, never an outage.
                ShouldHandle = new PredicateBuilder().Handle<VenueTransientException>(e => !e.RateLimited).Handle<HttpRequestException>().Handle<TimeoutRejectedException>()
                    .Handle<OperationCanceledException>(_ => !_stop.IsCancellationRequested),
                FailureRatio = _options.BreakerFailureRatio,
                MinimumThroughput = _options.BreakerMinimumThroughput,
                SamplingDuration = _options.BreakerSamplingDuration,
                BreakDuration = _options.BreakDuration,
                OnOpened = args =>
                {
                    Interlocked.Increment(ref _circuitOpenings);
                    s_logger.Fatal("Broker {0} unreachable: circuit open for {1:0}s after repeated failures ({2}); orders in doubt pause their symbols", VenueName, args.BreakDuration.TotalSeconds, Describe(args.Outcome.Exception));
                    RaiseIncident(new VenueIncident(VenueIncidentKind.BrokerOutage, VenueName,
                        string.Create(CultureInfo.InvariantCulture, $"circuit open for {args.BreakDuration.TotalSeconds:0}s after repeated failures ({Describe(args.Outcome.Exception)})")));
                    return default;
                },
                OnClosed = _ =>
                {
                    s_logger.Warn("Broker {0} reachable again: circuit closed", VenueName);
                    RaiseIncident(new VenueIncident(VenueIncidentKind.BrokerOutage, VenueName, "reachable again: circuit closed"), cleared: true);
                    return default;
                },
            })
            .AddRateLimiter(_limiter)
            .AddTimeout(_options.RequestTimeout)
            .Build();
    }

    private async Task WorkAsync()
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                while (_queue.Reader.TryRead(out QueuedCommand command))
                {
                    Interlocked.Increment(ref _inFlight);
                    try
                    {
                        if (command.Order is { } tracked)
                        {
                            await PlaceAsync(tracked).ConfigureAwait(false);
                        }
                        else if (command.Amend is { } amend)
                        {
                            await AmendAsync(command.ClientOrderId, amend).ConfigureAwait(false);
                        }
                        else
                        {
                            await CancelAsync(command.ClientOrderId).ConfigureAwait(false);
                        }
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !_stop.IsCancellationRequested)
                    {
                        // A bug here must not kill the worker: the order's fate is for the poll to settle.
                        s_logger.Error(ex, "Broker {0}: command for order {1} failed unexpectedly", VenueName, command.ClientOrderId);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _inFlight);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // stopping
        }
    }

    /// <summary>An order the engine sent (gateway thread): known to cancels from now on, placed by a worker.</summary>
    private TrackedOrder Track(in OrderCommand command)
    {
        var request = new VenueOrderRequest(command.ClientOrderId, _symbols.GetName(command.SymbolId), command.SymbolId, command.Side, command.OrderType,
            command.TimeInForce, command.Quantity, command.LimitPriceRaw, command.StopPriceRaw, command.GroupRole, command.Exits, command.TrailRaw, command.TrailPpm, command.GroupId,
            Units?.Decimals(command.SymbolId) ?? 0);
        var tracked = new TrackedOrder(request, _time.GetUtcNow());
        _byClientId[request.ClientOrderId] = tracked;
        return tracked;
    }

    private async Task PlaceAsync(TrackedOrder tracked)
    {
        VenueOrderRequest request = tracked.Request;
        Interlocked.Increment(ref _placements);

        VenuePlaceResult result;
        try
        {
            result = await _pipeline.ExecuteAsync(static (t, ct) => t.Gateway.PlaceOnceAsync(t.Tracked, ct), (Gateway: this, Tracked: tracked), _stop.Token).ConfigureAwait(false);
        }
        catch (VenueAuthenticationException ex)
        {
            // The token request failed before the order went out: definitely not placed.
            s_logger.Fatal("Broker {0} refused our credentials: order {1} not sent; a person must renew the keys ({2})", VenueName, request.ClientOrderId, ex.Message);
            RaiseIncident(new VenueIncident(VenueIncidentKind.CredentialsRefused, VenueName, "order not sent: " + ex.Message, request.ClientOrderId));
            Finish(tracked, ExecutionType.Rejected);
            return;
        }
        catch (Exception ex) when (ex is BrokenCircuitException || ex is OrderInDoubtException || IsTransient(ex))
        {
            if (!tracked.Sent)
            {
                s_logger.Warn("Broker {0}: order {1} not sent ({2})", VenueName, request.ClientOrderId, Describe(ex));
                Finish(tracked, ExecutionType.Rejected);
                return;
            }

            GoUnknown(tracked, ex);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not a venue answer any rule knows (a bug, or an answer no parser foresaw): if the request
            // may have gone out, its outcome is unknown — in doubt, never lost.
            Interlocked.Increment(ref _unexpectedFailures);
            s_logger.Error(ex, "Broker {0}: order {1} failed unexpectedly", VenueName, request.ClientOrderId);
            if (!tracked.Sent)
            {
                Finish(tracked, ExecutionType.Rejected);
                return;
            }

            GoUnknown(tracked, ex);
            return;
        }

        if (!result.Accepted)
        {
            Interlocked.Increment(ref _brokerRejects);
            s_logger.Warn("Broker {0} rejected order {1} ({2} {3} {4}): {5} {6}", VenueName, request.ClientOrderId, request.Symbol, request.Side, request.Quantity, result.Code, result.Message);
            if (VenueRejectCodes.IsInsufficientFunds(result.Code, result.Message))
            {
                RaiseIncident(new VenueIncident(VenueIncidentKind.InsufficientFunds, VenueName,
                    string.Create(CultureInfo.InvariantCulture, $"order {request.ClientOrderId} ({request.Symbol} {request.Side} {request.Quantity}) refused: {result.Code} {result.Message}"), request.ClientOrderId, result.Code));
            }
            else if (result.Code == VenueRejectCodes.ClientOrderIdCollision)
            {
                RaiseIncident(new VenueIncident(VenueIncidentKind.ClientOrderIdCollision, VenueName, result.Message ?? result.Code, request.ClientOrderId, result.Code));
            }
            else if (result.Code == VenueRejectCodes.Unsupported)
            {
                tracked.Reject = RejectReason.UnsupportedOrder; // the venue has no such order: not a refusal of this one's terms
            }

            Finish(tracked, ExecutionType.Rejected);
            return;
        }

        Adopt(tracked, result.VenueOrderId!);
        AdoptLegs(tracked, result.Legs);
        if (tracked.Found is { } found)
        {
            Apply(tracked, found); // found at the venue on a retry: it may already have fills
            ApplyLegs(tracked, found); // and the legs it made, which the lost answer would have named
        }
        else
        {
            Apply(tracked, new VenueOrderState(result.VenueOrderId!, request.ClientOrderId, request.Symbol, request.Side, request.Quantity, 0, 0m, VenueOrderStatus.Open));
        }

        RequestRefresh();
        await CancelIfRequestedAsync(tracked).ConfigureAwait(false);
        await AmendIfRequestedAsync(tracked).ConfigureAwait(false);
    }

    /// <summary>
    /// One attempt. After an attempt whose outcome was not seen, the retry only looks: found at the
    /// venue, the order is taken; not (yet) there, it is never sent again — the first request may
    /// still be in transit (a slow request lands late) — and goes in doubt, for the venue's records to
    /// settle (<see cref="OrderInDoubtException"/>). Only an attempt that certainly did not go out
    /// (<see cref="VenueTransientException.NotSent"/>) or that the venue turned away for load
    /// (<see cref="VenueTransientException.RateLimited"/>) leaves the order free to send.
    /// </summary>
    private async ValueTask<VenuePlaceResult> PlaceOnceAsync(TrackedOrder tracked, CancellationToken cancellationToken)
    {
        if (tracked.Sent)
        {
            VenueOrderState? found = await _client.FindAsync(tracked.Request, ClaimedVenueIds(tracked), cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                throw new OrderInDoubtException();
            }

            Interlocked.Increment(ref _foundBeforeRetry);
            s_logger.Warn("Broker {0}: order {1} was at the venue after all (venue id {2}); not resent", VenueName, tracked.Request.ClientOrderId, found.VenueOrderId);
            tracked.Found = found;
            return VenuePlaceResult.Taken(found.VenueOrderId);
        }

        tracked.Sent = true;
        try
        {
            return await _client.PlaceAsync(tracked.Request, cancellationToken).ConfigureAwait(false);
        }
        catch (VenueTransientException ex) when (ex.NotSent || ex.RateLimited)
        {
            tracked.Sent = false; // it never left, or the venue turned it away for load (429, EGW00201): a retry may send it
            throw;
        }
    }

    private async Task CancelAsync(long clientOrderId)
    {
        if (!_byClientId.TryGetValue(clientOrderId, out TrackedOrder? tracked))
        {
            Interlocked.Increment(ref _cancelRequests);
            s_logger.Warn("Broker {0}: cancel for order {1}, which this gateway never placed", VenueName, clientOrderId);
            return;
        }

        lock (tracked)
        {
            if (!tracked.Terminal)
            {
                tracked.CancelRequested = true;
            }
        }

        // Counted after the request is recorded (full fence): whoever reads the count sees the request.
        Interlocked.Increment(ref _cancelRequests);

        await CancelIfRequestedAsync(tracked).ConfigureAwait(false);
    }

    /// <summary>Sends the cancel once the order has a venue id (a placement still resolving cancels when it resolves).</summary>
    private async Task CancelIfRequestedAsync(TrackedOrder tracked)
    {
        string? venueId;
        lock (tracked)
        {
            if (!tracked.CancelRequested || tracked.CancelSent || tracked.Terminal || tracked.VenueOrderId is null)
            {
                return;
            }

            tracked.CancelSent = true;
            venueId = tracked.VenueOrderId;
        }

        try
        {
            VenuePlaceResult result = await _pipeline.ExecuteAsync(
                static (s, ct) => new ValueTask<VenuePlaceResult>(s.Client.CancelAsync(s.Request, s.VenueId, ct)),
                (Client: _client, tracked.Request, VenueId: venueId), _stop.Token).ConfigureAwait(false);
            if (!result.Accepted)
            {
                s_logger.Info("Broker {0}: cancel of order {1} refused ({2} {3}); its final state comes from the venue's records", VenueName, tracked.Request.ClientOrderId, result.Code, result.Message);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stop.IsCancellationRequested)
        {
            lock (tracked)
            {
                tracked.CancelSent = false; // the poll loop tries again
            }

            s_logger.Warn("Broker {0}: cancel of order {1} not confirmed ({2}); will try again", VenueName, tracked.Request.ClientOrderId, Describe(ex));
            NoteFailure(ex, "canceling order " + tracked.Request.ClientOrderId.ToString(CultureInfo.InvariantCulture));
        }

        RequestRefresh();
    }

    /// <summary>
    /// Reads the venue's orders every <see cref="VenueGatewayOptions.PollInterval"/> while any order is
    /// working, at once when asked (<see cref="RequestRefresh"/>: an execution notice), and every
    /// <see cref="IdlePollIntervals"/> intervals when none is — so a fill of an order we do not know is
    /// seen while the run is idle too.
    /// </summary>
    private async Task PollLoopAsync()
    {
        int idle = 0;
        while (!_stop.IsCancellationRequested)
        {
            bool woken = false;
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                wait.CancelAfter(_options.PollInterval);
                try
                {
                    await _wake.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                    woken = true;
                }
                catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                {
                    // the interval passed
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            if (woken || ++idle >= IdlePollIntervals || _byClientId.Values.Any(t => !t.Terminal))
            {
                idle = 0;
                try
                {
                    await PollOnceAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // The loop outlives every failure: fills and ends are learned from the next read.
                    Interlocked.Increment(ref _unexpectedFailures);
                    s_logger.Error(ex, "Broker {0}: reading the venue's orders failed unexpectedly; the next poll tries again", VenueName);
                }
            }
        }
    }

    /// <summary>Reads the venue's orders, applies them, chases orders in doubt and cancels not yet confirmed.</summary>
    private async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<VenueOrderState> states;
        try
        {
            states = await _pipeline.ExecuteAsync(static (c, ct) => new ValueTask<IReadOnlyList<VenueOrderState>>(c.GetOrdersAsync(ct)), _client, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Any failure (an answer that is not JSON included) is a failed read, counted; one line when
            // reads start failing, one when they recover: an outage must not flood the log.
            bool first = Interlocked.Increment(ref _pollFailures) == 1 || !_pollFailing;
            if (first)
            {
                s_logger.Warn("Broker {0}: could not read the venue's orders ({1}); fills and cancels are learned when it answers again", VenueName, Describe(ex));
            }

            _pollFailing = true;
            if (first || ex is VenueAuthenticationException)
            {
                NoteFailure(ex, "reading the venue's orders");
            }

            return;
        }

        if (_pollFailing)
        {
            _pollFailing = false;
            s_logger.Info("Broker {0}: reading the venue's orders again", VenueName);
            Reconnected?.Invoke();
        }

        foreach (VenueOrderState state in states)
        {
            OnVenueOrderUpdate(state);
        }

        _foreign.MarkBaselined(); // fills of foreign orders from now on happen during the run

        foreach (TrackedOrder tracked in _byClientId.Values)
        {
            if (tracked.Terminal)
            {
                continue;
            }

            if (tracked.InDoubt)
            {
                await ChaseAsync(tracked, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await CancelIfRequestedAsync(tracked).ConfigureAwait(false);
                await AmendIfRequestedAsync(tracked).ConfigureAwait(false);
            }
        }
    }

    /// <summary>An order in doubt: the venue has it (adopt it), or after the grace it never got there.</summary>
    private async Task ChaseAsync(TrackedOrder tracked, CancellationToken cancellationToken)
    {
        VenueOrderState? found;
        try
        {
            found = await _pipeline.ExecuteAsync(
                static (s, ct) => new ValueTask<VenueOrderState?>(s.Gateway._client.FindAsync(s.Tracked.Request, s.Gateway.ClaimedVenueIds(s.Tracked), ct)),
                (Gateway: this, Tracked: tracked), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            NoteFailure(ex, "looking for order " + tracked.Request.ClientOrderId.ToString(CultureInfo.InvariantCulture));
            return; // still in doubt; next poll
        }

        if (found is not null)
        {
            s_logger.Warn("Broker {0}: order {1} in doubt found at the venue (venue id {2}, {3} of {4} filled); its symbol resumes", VenueName, tracked.Request.ClientOrderId, found.VenueOrderId, found.FilledQuantity, found.Quantity);
            Adopt(tracked, found.VenueOrderId);
            Apply(tracked, found);
            ApplyLegs(tracked, found);
            await CancelIfRequestedAsync(tracked).ConfigureAwait(false);
            await AmendIfRequestedAsync(tracked).ConfigureAwait(false);
        }
        else if (_time.GetUtcNow() - tracked.CreatedAt >= _options.UnknownGrace)
        {
            if (tracked.Acknowledged)
            {
                // The journal says the venue took it, yet its records do not show it: a person must look.
                s_logger.Fatal("Broker {0}: recovered order {1} was accepted but is not in the venue's records after {2:0}s: taken as canceled; check it at the venue", VenueName, tracked.Request.ClientOrderId, _options.UnknownGrace.TotalSeconds);
                Finish(tracked, ExecutionType.Canceled);
                return;
            }

            s_logger.Warn("Broker {0}: order {1} in doubt is not at the venue after {2:0}s: declared never placed", VenueName, tracked.Request.ClientOrderId, _options.UnknownGrace.TotalSeconds);
            if (tracked.Recovered)
            {
                Interlocked.Increment(ref _recoveredNeverPlaced);
            }

            Finish(tracked, ExecutionType.Rejected, RejectReason.NeverPlaced);
        }
    }

    private void GoUnknown(TrackedOrder tracked, Exception cause)
    {
        lock (tracked)
        {
            if (tracked.Acknowledged || tracked.Terminal)
            {
                // The venue's records (a poll or a stream) showed the order while we were retrying:
                // it is not in doubt, whatever happened to the answer.
                s_logger.Warn("Broker {0}: order {1}'s answer was lost ({2}), but the venue's records already show it", VenueName, tracked.Request.ClientOrderId, Describe(cause));
                return;
            }

            tracked.InDoubt = true;
            Interlocked.Increment(ref _unknown);
            s_logger.Fatal("Broker {0}: order {1} ({2} {3} {4}) in doubt: sent, never confirmed ({5}); it is not resent, its symbol pauses and the venue's records will settle it",
                VenueName, tracked.Request.ClientOrderId, tracked.Request.Symbol, tracked.Request.Side, tracked.Request.Quantity, Describe(cause));
            Emit(tracked, ExecutionType.Unknown, 0, 0, tracked.Request.Quantity); // under the lock: no Accepted can come before it
        }

        RequestRefresh();
    }

    /// <summary>Binds an order to its venue id, durable in the order log before anything reports it accepted.</summary>
    private void Adopt(TrackedOrder tracked, string venueOrderId)
    {
        lock (tracked)
        {
            tracked.VenueOrderId ??= venueOrderId;
        }

        // A poll may read the venue's orders right here: the order has its venue id, the venue id does
        // not find it yet. MayBeOurs counts an order whose venue id is the listed one as ours for that.
        AdoptingHook?.Invoke(venueOrderId);
        _byVenueId[venueOrderId] = tracked;
        if (_foreign.Claim(venueOrderId))
        {
            // Judged foreign before it was found ours (e.g. an order declared never placed that landed
            // after all): an alarm it raised stood on what was known then; a person releases the pause.
            s_logger.Error("Broker {0}: venue order {1}, counted as foreign before, is order {2}'s after all; any pause its alarm caused stays until released", VenueName, venueOrderId, tracked.Request.ClientOrderId);
        }

        try
        {
            _orderLog?.Append(tracked.Request.ClientOrderId, venueOrderId);
        }
        catch (IOException ex)
        {
            // The order is at the venue either way; after a crash it would be looked for in the venue's records.
            s_logger.Error("Broker {0}: could not keep venue id {1} of order {2} in {3}: {4}", VenueName, venueOrderId, tracked.Request.ClientOrderId, _orderLog!.Path, ex.Message);
        }
    }

    /// <summary>
    /// Tracks the legs the venue created with <paramref name="parent"/> (a bracket's exits, an oco's stop) under
    /// <see cref="NativeLegIds"/> ids of the parent's group, so their acceptance, fills and cancels reach the
    /// engine as reports of those ids, and the poll never takes them for foreign orders.
    /// </summary>
    private void AdoptLegs(TrackedOrder parent, IReadOnlyList<VenueLeg> legs)
    {
        foreach (VenueLeg leg in legs)
        {
            if (AdoptLeg(parent, null, leg) is { } tracked)
            {
                Apply(tracked, new VenueOrderState(leg.VenueOrderId, tracked.Request.ClientOrderId, tracked.Request.Symbol, leg.Side, leg.Quantity, 0, 0m, VenueOrderStatus.Open));
            }
        }
    }

    /// <summary>
    /// The legs a venue listing nests under an order (issue 19: Alpaca's <c>nested=true</c>, a lookup of an order in doubt):
    /// each is applied to the order tracking it — found by its venue id, or adopted under its <see cref="NativeLegIds"/> id
    /// (<see cref="AdoptLeg"/>), which is how a restarted run whose order log lost the leg's venue id, or a placement whose
    /// answer was lost, comes to know it. A leg no order of ours can take is judged like any foreign order.
    /// </summary>
    private void ApplyLegs(TrackedOrder? parent, VenueOrderState state)
    {
        foreach (VenueLegState leg in state.Legs)
        {
            TrackedOrder? tracked = _byVenueId.TryGetValue(leg.State.VenueOrderId, out TrackedOrder? known) ? known : AdoptLeg(parent, state, leg.Leg);
            if (tracked is not null)
            {
                Apply(tracked, leg.State);
            }
            else
            {
                NoteUnexplained(leg.State);
            }
        }
    }

    /// <summary>
    /// The order tracking a venue-created leg, bound to its venue id: the one under the leg's <see cref="NativeLegIds"/> id
    /// (recovered from the journal after a restart), else a new one for a leg of <paramref name="parent"/>. The group is the
    /// parent's (its entry's id); a parent this run does not track — an entry of the run before that has ended, whose legs
    /// the journal recovered — is named by its client order id in <paramref name="parentState"/>. Null when the leg is no
    /// order of ours.
    /// </summary>
    private TrackedOrder? AdoptLeg(TrackedOrder? parent, VenueOrderState? parentState, VenueLeg leg)
    {
        long groupId = parent is { Request: var request } ? (request.GroupId != 0 ? request.GroupId : request.ClientOrderId) : parentState?.ClientOrderId ?? 0;
        if (!NativeLegIds.TryOf(groupId, leg.Role, out long legId))
        {
            return null;
        }

        TrackedOrder? tracked;
        if (parent is null)
        {
            if (!_byClientId.TryGetValue(legId, out tracked))
            {
                return null;
            }
        }
        else
        {
            // One tracker per leg, whoever comes first: the placement's answer and a poll's listing may both name the leg at once.
            tracked = _byClientId.GetOrAdd(legId, static (id, s) => new TrackedOrder(
                new VenueOrderRequest(id, s.Parent.Request.Symbol, s.Parent.Request.SymbolId, s.Leg.Side, s.Leg.Type, s.Parent.Request.TimeInForce,
                    s.Leg.Quantity, s.Leg.LimitPriceRaw, s.Leg.StopPriceRaw, s.Leg.Role, GroupId: s.GroupId, QuantityDecimals: s.Parent.Request.QuantityDecimals),
                s.Parent.CreatedAt) { Sent = true }, (Parent: parent, Leg: leg, GroupId: groupId));
        }

        if (tracked.VenueOrderId is { } bound && bound != leg.VenueOrderId)
        {
            return null; // that leg of the group is another venue order: not this one
        }

        Adopt(tracked, leg.VenueOrderId);
        return tracked;
    }

    private TrackedOrder? Find(VenueOrderState state)
    {
        if (_byVenueId.TryGetValue(state.VenueOrderId, out TrackedOrder? tracked))
        {
            return tracked;
        }

        if (state.ClientOrderId is { } clientId && _byClientId.TryGetValue(clientId, out tracked))
        {
            Adopt(tracked, state.VenueOrderId); // an order in doubt shows up by its client id (Alpaca)
            return tracked;
        }

        return null;
    }

    private void NoteUnexplained(VenueOrderState state)
    {
        switch (_foreign.Judge(state, MayBeOurs(state)))
        {
            case ForeignOrderVerdict.Unexplained:
                s_logger.Fatal("Broker {0}: venue order {1} ({2} {3} {4}) belongs to no order of this run: check it by hand", VenueName, state.VenueOrderId, state.Symbol, state.Side, state.Quantity);
                break;
            case ForeignOrderVerdict.ForeignFill:
                string detail = string.Create(CultureInfo.InvariantCulture,
                    $"venue order {state.VenueOrderId} ({state.Symbol} {state.Side} {state.Quantity}) belongs to no order of this run and was filled ({state.FilledQuantity} so far): positions no longer match the engine's");
                s_logger.Fatal("Broker {0}: {1}; trading pauses — check the account", VenueName, detail);
                RaiseIncident(new VenueIncident(VenueIncidentKind.ForeignFill, VenueName, detail));
                break;
        }
    }

    /// <summary>
    /// An engine order with the state's terms and no venue id yet (its answer pending, or in doubt) may be
    /// that one; one that already took this very venue id is it (<see cref="Adopt"/> is between binding the
    /// id and indexing it — a poll that fell into that window once paused trading on our own fill).
    /// </summary>
    private bool MayBeOurs(VenueOrderState state)
    {
        foreach (TrackedOrder tracked in _byClientId.Values)
        {
            VenueOrderRequest request = tracked.Request;
            string? venueId = tracked.VenueOrderId;
            if (tracked.Sent && !tracked.Terminal && (venueId is null || venueId == state.VenueOrderId)
                && request.Symbol == state.Symbol && request.Side == state.Side && request.Quantity == state.Quantity)
            {
                return true;
            }

            if (tracked.AmendSent && !tracked.Terminal && request.Symbol == state.Symbol && request.Side == state.Side)
            {
                return true; // an amend's answer (the replacing order's venue id) is on its way
            }
        }

        return false;
    }

    /// <summary>
    /// A call that failed outside the place path: refused credentials raise the incident (CRITICAL,
    /// trading pauses); what no rule foresaw is counted and logged with its stack.
    /// </summary>
    private void NoteFailure(Exception ex, string doing)
    {
        if (ex is VenueAuthenticationException)
        {
            RaiseIncident(new VenueIncident(VenueIncidentKind.CredentialsRefused, VenueName, doing + ": " + ex.Message));
        }
        else if (ex is not (BrokenCircuitException or OrderInDoubtException) && !IsTransient(ex))
        {
            Interlocked.Increment(ref _unexpectedFailures);
            s_logger.Error(ex, "Broker {0}: {1} failed unexpectedly", VenueName, doing);
        }
    }

    /// <summary>Applies a cumulative venue state; reports only what is new (idempotent).</summary>
    private void Apply(TrackedOrder tracked, VenueOrderState state)
    {
        bool wasInDoubt = tracked.InDoubt;
        ApplyLocked(tracked, state);
        if (wasInDoubt && !tracked.InDoubt)
        {
            DoubtResolved?.Invoke();
        }
    }

    private void ApplyLocked(TrackedOrder tracked, VenueOrderState state)
    {
        lock (tracked)
        {
            if (tracked.Terminal)
            {
                return;
            }

            VenueOrderRequest request = tracked.Request;
            if (state.Status == VenueOrderStatus.Rejected && !tracked.Acknowledged && state.FilledQuantity == 0)
            {
                Interlocked.Increment(ref _brokerRejects);
                s_logger.Warn("Broker {0} rejected order {1}: {2}", VenueName, request.ClientOrderId, state.Reason);
                FinishLocked(tracked, ExecutionType.Rejected);
                return;
            }

            tracked.InDoubt = false; // the venue's records show it
            if (!tracked.Acknowledged)
            {
                tracked.Acknowledged = true;
                Emit(tracked, ExecutionType.Accepted, 0, 0, request.Quantity);
            }

            // After an amend that replaced the venue order, the new one counts its own fills: add the old one's.
            long filled = Math.Min(tracked.FilledBase + state.FilledQuantity, request.Quantity);
            if (filled > tracked.ReportedFilled && state.AverageFillPrice > 0)
            {
                long delta = filled - tracked.ReportedFilled;
                decimal notional = tracked.NotionalBase + (state.AverageFillPrice * (filled - tracked.FilledBase));
                decimal price = (notional - tracked.ReportedNotional) / delta;
                if (price <= 0)
                {
                    price = state.AverageFillPrice; // rounding in the venue's average: fall back to it
                }

                tracked.ReportedFilled = filled;
                tracked.ReportedNotional = notional;
                if (tracked.Recovered)
                {
                    Interlocked.Increment(ref _recoveredFillReports);
                }

                bool done = filled == request.Quantity;
                Emit(tracked, done ? ExecutionType.Fill : ExecutionType.PartialFill, delta, FixedPoint.FromDecimal(price), request.Quantity - filled);
                if (done)
                {
                    tracked.Terminal = true;
                    return;
                }
            }

            if (state.Status == VenueOrderStatus.Canceled && tracked.AmendSent && state.VenueOrderId == tracked.VenueOrderId)
            {
                return; // replaced by the amend in flight (KIS and Alpaca end the old order): its answer says which order carries on
            }

            if (state.Status is VenueOrderStatus.Canceled or VenueOrderStatus.Expired or VenueOrderStatus.Rejected or VenueOrderStatus.Filled)
            {
                // Filled at the venue with fewer shares than ordered cannot happen; treat it as canceled remainder.
                FinishLocked(tracked, state.Status == VenueOrderStatus.Expired ? ExecutionType.Expired : ExecutionType.Canceled);
            }
        }
    }

    private void Finish(TrackedOrder tracked, ExecutionType type, RejectReason reject = RejectReason.BrokerRejected)
    {
        bool wasInDoubt;
        lock (tracked)
        {
            wasInDoubt = tracked.InDoubt;
            if (!tracked.Terminal)
            {
                FinishLocked(tracked, type, reject);
            }
        }

        if (wasInDoubt)
        {
            DoubtResolved?.Invoke();
        }
    }

    private void FinishLocked(TrackedOrder tracked, ExecutionType type, RejectReason reject = RejectReason.BrokerRejected)
    {
        tracked.Terminal = true;
        tracked.InDoubt = false;
        Emit(tracked, type, 0, 0, 0, reject);
    }

    private void Emit(TrackedOrder tracked, ExecutionType type, long fillQuantity, long fillPriceRaw, long leaves, RejectReason reject = RejectReason.None)
    {
        VenueOrderRequest request = tracked.Request;
        var report = new ExecutionReport
        {
            ClientOrderId = tracked.Request.ClientOrderId,
            SymbolId = tracked.Request.SymbolId,
            ExecType = type,
            Side = tracked.Request.Side,
            FillQuantity = fillQuantity,
            FillPriceRaw = fillPriceRaw,
            LeavesQuantity = leaves,
            Reject = type is ExecutionType.Rejected or ExecutionType.AmendRejected
                ? (type == ExecutionType.Rejected && tracked.Reject != RejectReason.BrokerRejected ? tracked.Reject // the venue has no such order type (UnsupportedOrder)
                    : reject != RejectReason.None ? reject : RejectReason.BrokerRejected)
                : RejectReason.None,
            Quantity = type == ExecutionType.Replaced ? request.Quantity : 0,
            LimitRaw = type == ExecutionType.Replaced ? request.LimitPriceRaw : 0,
            StopRaw = type == ExecutionType.Replaced ? request.StopPriceRaw : 0,
            TsEventNs = (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100,
        };
        _reports.OnExecutionReport(report);
    }

    private HashSet<string> ClaimedVenueIds(TrackedOrder except)
    {
        // Every venue id a run of ours kept today is claimed (a recovered order must not take another's),
        // except the order's own.
        var claimed = new HashSet<string>(_orderLog?.VenueIds() ?? [], StringComparer.Ordinal);
        if (except.VenueOrderId is { } own)
        {
            claimed.Remove(own);
        }

        foreach (KeyValuePair<string, TrackedOrder> pair in _byVenueId)
        {
            if (!ReferenceEquals(pair.Value, except))
            {
                claimed.Add(pair.Key);
            }
        }

        return claimed;
    }

    private void RaiseIncident(VenueIncident incident, bool cleared = false)
    {
        try
        {
            (cleared ? IncidentCleared : Incident)?.Invoke(incident);
        }
        catch (Exception ex)
        {
            s_logger.Error(ex, "Broker {0}: an incident handler failed", VenueName);
        }
    }

    private bool IsTransient(Exception ex) => ex is VenueTransientException or HttpRequestException or TimeoutRejectedException
        || (ex is OperationCanceledException && !_stop.IsCancellationRequested);

    private static string Describe(Exception? ex) => ex switch
    {
        null => "no exception",
        VenueTransientException { Code: { } code } v => code + ": " + v.Message,
        TimeoutRejectedException => "timed out",
        BrokenCircuitException => "circuit open",
        OrderInDoubtException => ex.Message,
        System.Text.Json.JsonException json => "the venue's answer: " + JsonErrorText.Of(json), // the reader's message quotes the venue's text
        _ => ex.GetType().Name + ": " + ex.Message,
    };

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll([.. _workers, _poller]).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
        catch (Exception ex)
        {
            s_logger.Error(ex, "Broker {0}: a gateway task ended with an error", VenueName);
        }

        _limiter.Dispose();
        _stop.Dispose();
    }

    /// <summary>
    /// A placement's retry found the order not (yet) at the venue after an attempt whose outcome was
    /// not seen: it goes in doubt instead of being sent again. Not retried; not a breaker failure.
    /// </summary>
    private sealed class OrderInDoubtException : Exception
    {
        public OrderInDoubtException()
            : base("sent, no answer, and not in the venue's records yet: not resent while the first request may still arrive")
        {
        }
    }

    /// <summary>A command for the workers: a placement carries its tracked order (<see cref="Order"/>), an amend its new terms, a cancel only the id.</summary>
    private readonly record struct QueuedCommand(long ClientOrderId, TrackedOrder? Order, AmendTerms? Amend = null);

    /// <summary>What the gateway knows of one engine order. Guarded by its own lock.</summary>
    private sealed class TrackedOrder(VenueOrderRequest request, DateTimeOffset createdAt)
    {
        /// <summary>The order's terms: as placed, then as last amended (<see cref="ExecutionType.Replaced"/>).</summary>
        public VenueOrderRequest Request { get; set; } = request;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        private volatile string? _venueOrderId;
        private volatile bool _sent;

        /// <summary>Set by a worker or the poll, read by the poll and push streams (hence volatile).</summary>
        public string? VenueOrderId { get => _venueOrderId; set => _venueOrderId = value; }

        /// <summary>A placement attempt went out (its outcome may be unseen). Set by a worker, read by the poll.</summary>
        public bool Sent { get => _sent; set => _sent = value; }

        /// <summary>Taken over from a journal at a restart (<see cref="Recover"/>).</summary>
        public bool Recovered { get; init; }

        /// <summary>Found at the venue before a retry.</summary>
        public VenueOrderState? Found { get; set; }

        public bool Acknowledged { get; set; }

        public bool InDoubt { get; set; }

        public bool Terminal { get; set; }

        public bool CancelRequested { get; set; }

        /// <summary>Why a Rejected report refuses it: the venue refused it (BrokerRejected), or has no such order (UnsupportedOrder).</summary>
        public RejectReason Reject { get; set; } = RejectReason.BrokerRejected;

        public bool CancelSent { get; set; }

        /// <summary>An amend the engine asked for, not yet sent (held until the venue id is known, or re-sent after a failure).</summary>
        public AmendTerms? PendingAmend { get; set; }

        /// <summary>An amend is at the venue, unanswered (volatile: read by the poll).</summary>
        public bool AmendSent { get => _amendSent; set => _amendSent = value; }

        private volatile bool _amendSent;

        /// <summary>Fills (and their notional) of venue orders an amend replaced: the current venue order's own fills count on from here.</summary>
        public long FilledBase { get; set; }

        public decimal NotionalBase { get; set; }

        public long ReportedFilled { get; set; }

        public decimal ReportedNotional { get; set; }
    }
}
