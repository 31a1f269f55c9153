using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Orchestrator.ExchangeSimulator;

/// <summary>
/// Fault switches of the order flow, beyond <see cref="Fault"/>: HTML error pages on any endpoint
/// (as a load balancer in front of KIS answers when the API behind it is down), order requests that
/// reach the book late (stuck in transit past the client's timeout), answers that come after the
/// execution notice, and a refusal code on every order request.
/// </summary>
public sealed partial class KisSimulator
{
    private readonly ConcurrentDictionary<string, int> _htmlAnswers = new(StringComparer.Ordinal);
    private int _htmlAnswersSent;

    /// <summary>
    /// The next <paramref name="times"/> requests to <paramref name="path"/> (e.g. <c>/oauth2/tokenP</c>,
    /// <c>/uapi/domestic-stock/v1/trading/order-cash</c>) get an HTML error page (HTTP 500,
    /// <c>text/html</c>) instead of their answer; nothing is booked. <paramref name="times"/> 0 stops it;
    /// <see cref="int.MaxValue"/> keeps it on.
    /// </summary>
    public void AnswerHtml(string path, int times)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _htmlAnswers[path] = times;
    }

    /// <summary>HTML error pages sent by <see cref="AnswerHtml"/>.</summary>
    public int HtmlAnswersSent => Volatile.Read(ref _htmlAnswersSent);

    /// <summary>
    /// How long a valid order request takes to reach the book (0 = at once). The request is booked
    /// after this delay even if the client gave up meanwhile: a request stuck in transit still lands.
    /// </summary>
    public TimeSpan OrderArrivalDelay { get; set; }

    /// <summary>
    /// Shortest and longest wait between booking an order (its execution notice goes out then) and
    /// answering the request: the notice reaches the client before the answer, as at a real venue.
    /// Zero (the default) answers at once.
    /// </summary>
    public (TimeSpan Min, TimeSpan Max) OrderAnswerDelay { get; set; }

    /// <summary>
    /// How long a booked order waits before it is first matched (0 = at once): as at an exchange, the
    /// acceptance notice and the order list show it working (nothing filled) before its first fill.
    /// </summary>
    public TimeSpan OrderFillDelay { get; set; }

    /// <summary>
    /// When set, every order request is refused with this <c>msg_cd</c> (<c>rt_cd</c> "1", HTTP 500, not
    /// booked), e.g. <c>EGW00103</c> "invalid AppKey" for keys that stopped working mid-session.
    /// </summary>
    public string? OrderRefusalCode { get; set; }

    /// <summary>
    /// Books a domestic market order as if placed by hand (at the HTS, or by another program): it
    /// belongs to no client of the simulator's API, fills at once like any market order, and its
    /// execution notices go out. Returns its order number; throws if the venue would refuse it.
    /// </summary>
    public string PlaceByHand(string accountNumber, string symbol, bool buy, long quantity, string productCode = "01")
    {
        lock (_book)
        {
            SimOrder order = TryBook(Account(accountNumber, productCode), symbol, null, buy, market: true, quantity, 0, replacing: null, out (string Code, string Message) refused)
                ?? throw new InvalidOperationException("the simulator refused the order by hand: " + refused.Code + " " + refused.Message);
            PublishNotice(order, NoticeKind.Accepted, 0, 0);
            Match(order);
            return order.Odno;
        }
    }

    /// <summary>Matches a newly booked order now, or after <see cref="OrderFillDelay"/>. Caller holds the book's lock.</summary>
    private void MatchNewOrder(SimOrder order)
    {
        TimeSpan delay = OrderFillDelay;
        if (delay <= TimeSpan.Zero)
        {
            Match(order);
            return;
        }

        _ = Task.Run(async () =>
        {
            await Task.Delay(delay).ConfigureAwait(false);
            lock (_book)
            {
                Match(order);
            }
        });
    }

    /// <summary>The middleware of <see cref="AnswerHtml"/>: true when it answered.</summary>
    private async Task<bool> AnswerHtmlAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? string.Empty;
        while (_htmlAnswers.TryGetValue(path, out int left) && left > 0)
        {
            if (_htmlAnswers.TryUpdate(path, left == int.MaxValue ? left : left - 1, left))
            {
                Interlocked.Increment(ref _htmlAnswersSent);
                await Results.Text("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>", "text/html", statusCode: 500)
                    .ExecuteAsync(context).ConfigureAwait(false);
                return true;
            }
        }

        return false;
    }

    /// <summary>Before an order is booked: <see cref="OrderRefusalCode"/> refuses it, <see cref="OrderArrivalDelay"/> holds it (not cancelled by the client giving up).</summary>
    private async Task<IResult?> BeforeBookingAsync()
    {
        if (OrderRefusalCode is { } code)
        {
            return Results.Json(new JsonObject { ["rt_cd"] = "1", ["msg_cd"] = code, ["msg1"] = "유효하지 않은 AppKey입니다." }, statusCode: 500);
        }

        if (OrderArrivalDelay > TimeSpan.Zero)
        {
            await Task.Delay(OrderArrivalDelay).ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>After an order is booked (and its notice published), before it is answered: <see cref="OrderAnswerDelay"/>.</summary>
    private async Task AfterBookingAsync(HttpContext context)
    {
        (TimeSpan min, TimeSpan max) = OrderAnswerDelay;
        if (max > TimeSpan.Zero)
        {
            TimeSpan delay = min + TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * Math.Max(0, (max - min).Ticks)));
            await WaitAsync(delay, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
