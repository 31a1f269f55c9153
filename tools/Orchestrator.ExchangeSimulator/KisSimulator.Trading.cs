using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Orchestrator.ExchangeSimulator;

/// <summary>
/// The trading endpoints. Domestic: order-cash, order-rvsecncl, inquire-daily-ccld, inquire-balance.
/// US (overseas-stock): order, order-rvsecncl (revise and cancel), inquire-ccnl, inquire-balance (and
/// inquire-present-balance in KisSimulator.PresentBalance.cs).
/// </summary>
public sealed partial class KisSimulator
{
    private static readonly string[] s_cashOrderTrIds = ["TTTC0012U", "TTTC0011U", "VTTC0012U", "VTTC0011U"];
    private static readonly string[] s_cashOrderFields = ["CANO", "ACNT_PRDT_CD", "PDNO", "ORD_DVSN", "ORD_QTY", "ORD_UNPR"];
    private static readonly string[] s_overseasOrderTrIds = ["TTTT1002U", "TTTT1006U", "VTTT1002U", "VTTT1001U"];
    private static readonly string[] s_overseasOrderFields = ["CANO", "ACNT_PRDT_CD", "OVRS_EXCG_CD", "PDNO", "ORD_QTY", "OVRS_ORD_UNPR", "ORD_SVR_DVSN_CD", "ORD_DVSN"];

    /// <summary>Rows per <c>inquire-daily-ccld</c> and <c>inquire-ccnl</c> page (KIS: 100 domestic).</summary>
    public int DailyPageSize { get; set; } = 100;

    /// <summary>What an order request asks for, once its fields are read.</summary>
    private readonly record struct OrderAsk(string Symbol, string? Exchange, bool Buy, bool Market, long Quantity, decimal Limit, Immediacy Immediacy = Immediacy.None);

    /// <summary><c>POST /uapi/domestic-stock/v1/trading/order-cash</c>.</summary>
    private Task<IResult> PlaceOrderAsync(HttpContext context) => TakeOrderAsync(context, s_cashOrderTrIds, s_cashOrderFields, ReadCashOrder);

    /// <summary>
    /// <c>POST /uapi/overseas-stock/v1/trading/order</c>: US limit orders (ORD_DVSN 00, the only kind
    /// KIS's VIRTUAL server takes) on NASD, NYSE or AMEX, priced in USD with at most two decimals.
    /// </summary>
    private Task<IResult> PlaceOverseasOrderAsync(HttpContext context) => TakeOrderAsync(context, s_overseasOrderTrIds, s_overseasOrderFields, ReadOverseasOrder);

    /// <summary>
    /// One order request. A struck <see cref="Fault"/> answers instead of booking — or, with
    /// <see cref="FaultAfterAccept"/>, after booking.
    /// </summary>
    private async Task<IResult> TakeOrderAsync(HttpContext context, string[] trIds, string[] required, Func<JsonObject, string, (OrderAsk? Ask, IResult? Refusal)> read)
    {
        HttpRequest request = context.Request;
        bool struck = Strikes(Interlocked.Increment(ref _orderRequests));
        if (struck && !FaultAfterAccept)
        {
            return await FaultAnswerAsync(context).ConfigureAwait(false); // the order does not reach the book
        }

        if (!HasValidToken(request))
        {
            return ExpiredToken();
        }

        string trId = request.Headers["tr_id"].ToString();
        if (!trIds.Contains(trId))
        {
            return Fail("OPSQ0002", "tr_id is not an order id for this endpoint");
        }

        JsonObject? body = await ReadAsync(request).ConfigureAwait(false);
        string? missing = required.FirstOrDefault(k => body?[k] is not JsonValue v || v.GetValueKind() != JsonValueKind.String);
        if (missing is not null)
        {
            return Fail("OPSQ2001", $"{missing} must be given as a string");
        }

        (OrderAsk? asked, IResult? refusal) = read(body!, trId);
        if (asked is not { } ask)
        {
            return refusal!;
        }

        if (await BeforeBookingAsync().ConfigureAwait(false) is { } refusedBeforeBooking)
        {
            return refusedBeforeBooking;
        }

        string accountNumber = body!["CANO"]!.GetValue<string>() + body["ACNT_PRDT_CD"]!.GetValue<string>();
        if (await HookAsync(context, new OrderRequestMoment(OrderRequestStage.Received, accountNumber, ask.Symbol, ask.Buy, ask.Quantity, null)).ConfigureAwait(false))
        {
            return Results.Empty; // lost on the way: never booked
        }

        IResult answer;
        string odno;
        lock (_book)
        {
            SimAccount account = Account(body!["CANO"]!.GetValue<string>(), body["ACNT_PRDT_CD"]!.GetValue<string>());
            SimOrder? order = TryBook(account, ask.Symbol, ask.Exchange, ask.Buy, ask.Market, ask.Quantity, ask.Limit, replacing: null, out (string Code, string Message) refused);
            if (order is null)
            {
                return Fail(refused.Code, refused.Message);
            }

            body["tr_id"] = trId;
            _orders.Enqueue(body);
            PublishNotice(order, NoticeKind.Accepted, 0, 0);
            if (ask.Immediacy == Immediacy.None)
            {
                MatchNewOrder(order);
            }
            else
            {
                MatchImmediately(order, ask.Immediacy);
            }

            answer = Accepted(order.Odno);
            odno = order.Odno;
        }

        await AfterBookingAsync(context).ConfigureAwait(false);

        if (await HookAsync(context, new OrderRequestMoment(OrderRequestStage.Booked, accountNumber, ask.Symbol, ask.Buy, ask.Quantity, odno)).ConfigureAwait(false))
        {
            return Results.Empty; // booked, and the answer is lost
        }

        return struck ? await FaultAnswerAsync(context).ConfigureAwait(false) : answer; // booked, but the answer is lost
    }

    /// <summary>
    /// Calls <see cref="OrderRequestHook"/> (outside the book's lock) and waits for it; true when it
    /// dropped the request, whose connection is then aborted.
    /// </summary>
    private async Task<bool> HookAsync(HttpContext context, OrderRequestMoment moment)
    {
        if (OrderRequestHook is not { } hook || await hook(moment).ConfigureAwait(false) == OrderRequestOutcome.Proceed)
        {
            return false;
        }

        context.Abort();
        return true;
    }

    private static (OrderAsk?, IResult?) ReadCashOrder(JsonObject body, string trId)
    {
        string kind = body["ORD_DVSN"]!.GetValue<string>();
        if (!TryQuantity(body["ORD_QTY"], out long quantity) || quantity <= 0)
        {
            return (null, Fail("APBK0917", "주문수량을 확인하세요."));
        }

        if (CashOrderKind(kind) is not { } parsed || !TryQuantity(body["ORD_UNPR"], out long limit) || (!parsed.Market && limit <= 0))
        {
            return (null, Fail("APBK1680", "주문구분 또는 주문단가를 확인하세요."));
        }

        return (new OrderAsk(body["PDNO"]!.GetValue<string>(), null, trId.EndsWith("0012U", StringComparison.Ordinal), parsed.Market, quantity, limit, parsed.Immediacy), null);
    }

    /// <summary>A US order's fields; a wrong exchange, kind or price is refused with APBK1680 (the simulator's choice, as for domestic).</summary>
    private static (OrderAsk?, IResult?) ReadOverseasOrder(JsonObject body, string trId)
    {
        string exchange = body["OVRS_EXCG_CD"]!.GetValue<string>();
        if (!TryQuantity(body["ORD_QTY"], out long quantity) || quantity <= 0)
        {
            return (null, Fail("APBK0917", "주문수량을 확인하세요."));
        }

        if (exchange is not ("NASD" or "NYSE" or "AMEX") || body["ORD_DVSN"]!.GetValue<string>() != "00"
            || !decimal.TryParse(body["OVRS_ORD_UNPR"]!.GetValue<string>(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal limit)
            || limit <= 0 || decimal.Round(limit, 2) != limit)
        {
            return (null, Fail("APBK1680", "거래소코드, 주문구분 또는 주문단가를 확인하세요."));
        }

        return (new OrderAsk(body["PDNO"]!.GetValue<string>(), exchange, trId.EndsWith("1002U", StringComparison.Ordinal), false, quantity, limit), null);
    }

    /// <summary>The revise/cancel request's original order number and kind (01 revise, 02 cancel), or the refusal.</summary>
    private async Task<(JsonObject? Body, string Original, string Kind, IResult? Refusal)> ReadAmendmentAsync(HttpRequest request, string[] trIds)
    {
        if (!HasValidToken(request))
        {
            return (null, string.Empty, string.Empty, ExpiredToken());
        }

        if (!trIds.Contains(request.Headers["tr_id"].ToString()))
        {
            return (null, string.Empty, string.Empty, Fail("OPSQ0002", "tr_id is not a revise/cancel id"));
        }

        JsonObject? body = await ReadAsync(request).ConfigureAwait(false);
        string? original = body?["ORGN_ODNO"]?.GetValue<string>();
        string? kind = body?["RVSE_CNCL_DVSN_CD"]?.GetValue<string>();
        return original is null || kind is not ("01" or "02")
            ? (body, string.Empty, string.Empty, Fail("OPSQ2001", "ORGN_ODNO and RVSE_CNCL_DVSN_CD (01 revise, 02 cancel) are required"))
            : (body, original, kind, null);
    }

    /// <summary>The order <paramref name="odno"/> of the given market if it still has quantity working. Caller holds the lock.</summary>
    private bool TryOpenOrder(string odno, bool overseas, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SimOrder? order) =>
        _ordersByNumber.TryGetValue(odno, out order) && order.Overseas == overseas && order.Remaining > 0;

    /// <summary><c>POST /uapi/domestic-stock/v1/trading/order-rvsecncl</c>: 01 revise the open remainder, 02 cancel it.</summary>
    private async Task<IResult> ReviseOrCancelAsync(HttpRequest request)
    {
        (JsonObject? body, string original, string kind, IResult? refusal) = await ReadAmendmentAsync(request, ["TTTC0013U", "VTTC0013U"]).ConfigureAwait(false);
        return refusal ?? ReviseOrCancel(body!, original, kind, overseas: false);
    }

    /// <summary>
    /// <c>POST /uapi/overseas-stock/v1/trading/order-rvsecncl</c> (TTTT1004U / VTTT1004U, one tr_id for both):
    /// 02 cancels the open remainder; 01 revises it to ORD_QTY shares (at most the open remainder) at
    /// OVRS_ORD_UNPR (USD, whole cents), booked under a new order number whose row names the original
    /// (orgn_odno, rvse_cncl_dvsn 01), as KIS's inquire-ccnl lists a revision.
    /// </summary>
    private async Task<IResult> ReviseOrCancelOverseasAsync(HttpRequest request)
    {
        (JsonObject? body, string original, string kind, IResult? refusal) = await ReadAmendmentAsync(request, ["TTTT1004U", "VTTT1004U"]).ConfigureAwait(false);
        return refusal ?? ReviseOrCancel(body!, original, kind, overseas: true);
    }

    /// <summary>
    /// Cancels (02) or revises (01) the open remainder of <paramref name="original"/>: a revision is booked
    /// under a new order number (orgn_odno = the original), and the original's remainder moves to it.
    /// </summary>
    private IResult ReviseOrCancel(JsonObject body, string original, string kind, bool overseas)
    {
        lock (_book)
        {
            if (!TryOpenOrder(original, overseas, out SimOrder? order))
            {
                return Fail("APBK0918", kind == "02" ? "취소 가능한 수량이 없습니다." : "정정 가능한 수량이 없습니다.");
            }

            if (kind == "02")
            {
                return Accepted(CancelLocked(order));
            }

            if (!TryRevision(body, order, out long quantity, out decimal limit))
            {
                return Fail("APBK0918", "정정 가능한 수량을 초과했거나 단가가 없습니다.");
            }

            SimOrder? revised = TryBook(order.Account, order.Symbol, order.Exchange, order.Buy, market: false, quantity, limit, replacing: order, out (string Code, string Message) refused);
            if (revised is null)
            {
                return Fail(refused.Code, refused.Message);
            }

            order.Revised = true;
            PublishNotice(revised, NoticeKind.Accepted, 0, 0);
            Match(revised);
            return Accepted(revised.Odno);
        }
    }

    /// <summary>
    /// A revision's terms: domestic ORD_QTY (or the whole remainder with QTY_ALL_ORD_YN Y) at ORD_UNPR whole
    /// won; US ORD_QTY at OVRS_ORD_UNPR in whole cents. The quantity is never above the open remainder.
    /// </summary>
    private static bool TryRevision(JsonObject body, SimOrder order, out long quantity, out decimal limit)
    {
        limit = 0;
        quantity = order.Remaining;
        bool all = !order.Overseas && body["QTY_ALL_ORD_YN"]?.GetValue<string>() == "Y";
        if (!all && (!TryQuantity(body["ORD_QTY"], out quantity) || quantity <= 0 || quantity > order.Remaining))
        {
            return false;
        }

        if (order.Overseas)
        {
            return decimal.TryParse(body["OVRS_ORD_UNPR"]?.GetValue<string>(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out limit)
                && limit > 0 && decimal.Round(limit, 2) == limit;
        }

        bool priced = TryQuantity(body["ORD_UNPR"], out long won) && won > 0;
        limit = won;
        return priced;
    }

    private static IResult Accepted(string odno) => Results.Json(new JsonObject
    {
        ["rt_cd"] = "0",
        ["msg_cd"] = "APBK0013",
        ["msg1"] = "주문 전송 완료 되었습니다.",
        ["output"] = new JsonObject
        {
            ["KRX_FWDG_ORD_ORGNO"] = "91252",
            ["ODNO"] = odno,
            ["ORD_TMD"] = SeoulNow.ToString("HHmmss", CultureInfo.InvariantCulture),
        },
    });

    /// <summary>
    /// <c>GET /uapi/domestic-stock/v1/trading/inquire-daily-ccld</c>: the account's domestic orders with
    /// their cumulative fills in output1, <see cref="DailyPageSize"/> per page, continued by
    /// <c>ctx_area_nk100</c>.
    /// </summary>
    private IResult DailyOrders(HttpContext context) => OrderPage(context, overseas: false);

    /// <summary>
    /// <c>GET /uapi/overseas-stock/v1/trading/inquire-ccnl</c>: the account's US orders (and their cancels'
    /// rows) in output, continued by <c>ctx_area_nk200</c>. Dates and filters are not checked.
    /// </summary>
    private IResult OverseasOrders(HttpContext context) => OrderPage(context, overseas: true);

    /// <summary>
    /// One page of an order list. The continuation key (nk100 / nk200) carries the last order number
    /// sent; response header <c>tr_cont</c> is F/M while pages follow, D/E on the last.
    /// </summary>
    private IResult OrderPage(HttpContext context, bool overseas)
    {
        HttpRequest request = context.Request;
        if (!HasValidToken(request))
        {
            return ExpiredToken();
        }

        if (!IsTrId(request, overseas ? "TTS3035R" : "TTC0081R"))
        {
            return Fail("OPSQ0002", "tr_id is not an order-list id for this endpoint");
        }

        string size = overseas ? "200" : "100";
        string after = request.Query["CTX_AREA_NK" + size].ToString().Trim();
        bool continued = request.Headers["tr_cont"].ToString() == "N";
        int pageSize = Math.Max(1, DailyPageSize);
        var rows = new JsonArray();
        bool more;
        lock (_book)
        {
            SimAccount account = Account(request.Query["CANO"].ToString(), request.Query["ACNT_PRDT_CD"].ToString());
            List<SimOrder> page = [.. account.Orders.Where(o => o.Overseas == overseas && (after.Length == 0 || string.CompareOrdinal(o.Odno, after) > 0)).Take(pageSize + 1)];
            more = page.Count > pageSize;
            foreach (SimOrder order in page.Take(pageSize))
            {
                rows.Add(overseas ? OverseasRow(order) : DailyRow(order));
            }
        }

        string last = rows.Count > 0 ? rows[^1]!["odno"]!.GetValue<string>() : after;
        context.Response.Headers["tr_cont"] = more ? (continued ? "M" : "F") : (continued ? "E" : "D");
        return Results.Json(new JsonObject
        {
            ["ctx_area_fk" + size] = request.Query["CANO"].ToString(),
            ["ctx_area_nk" + size] = more ? last : string.Empty,
            [overseas ? "output" : "output1"] = rows,
            ["rt_cd"] = "0",
            ["msg_cd"] = "KIOK0510",
            ["msg1"] = "조회가 완료되었습니다",
        });
    }

    private static decimal AverageFill(SimOrder order) => order.Filled > 0 ? decimal.Round(order.FilledAmount / order.Filled, 4) : 0m;

    private static JsonObject DailyRow(SimOrder order) => new()
    {
        ["ord_dt"] = SeoulNow.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
        ["odno"] = order.Odno,
        ["orgn_odno"] = order.OriginalOdno,
        ["pdno"] = order.Symbol,
        ["sll_buy_dvsn_cd"] = order.Buy ? "02" : "01",
        ["ord_dvsn_cd"] = order.Market ? "01" : "00",
        ["ord_qty"] = Text(order.Quantity),
        ["ord_unpr"] = Text(order.Limit),
        ["ord_tmd"] = order.Time,
        ["tot_ccld_qty"] = Text(order.Filled),
        ["tot_ccld_amt"] = Text(order.FilledAmount),
        ["avg_prvs"] = Text(AverageFill(order)),
        ["rmn_qty"] = Text(order.Remaining),
        ["cncl_yn"] = order.Canceled ? "Y" : "N",
    };

    /// <summary>An inquire-ccnl row: a subset of KIS's columns, US figures in USD.</summary>
    private static JsonObject OverseasRow(SimOrder order) => new()
    {
        ["ord_dt"] = SeoulNow.ToOffset(TimeSpan.FromHours(-5)).ToString("yyyyMMdd", CultureInfo.InvariantCulture),
        ["ord_gno_brno"] = "01790",
        ["odno"] = order.Odno,
        ["orgn_odno"] = order.OriginalOdno,
        ["sll_buy_dvsn_cd"] = order.Buy ? "02" : "01",
        ["sll_buy_dvsn_cd_name"] = order.Buy ? "매수" : "매도",
        ["rvse_cncl_dvsn"] = order.CancelRow ? "02" : order.OriginalOdno.Length > 0 ? "01" : "00",
        ["rvse_cncl_dvsn_name"] = order.CancelRow ? "취소" : order.OriginalOdno.Length > 0 ? "정정" : string.Empty,
        ["pdno"] = order.Symbol,
        ["prdt_name"] = order.Symbol,
        ["ft_ord_qty"] = Text(order.Quantity),
        ["ft_ord_unpr3"] = Text(order.Limit),
        ["ft_ccld_qty"] = Text(order.Filled),
        ["ft_ccld_unpr3"] = Text(AverageFill(order)),
        ["ft_ccld_amt3"] = Text(order.FilledAmount),
        ["nccs_qty"] = Text(order.Remaining),
        ["prcs_stat_name"] = order.Remaining > 0 ? "접수" : "완료",
        ["ord_tmd"] = order.Time,
        ["tr_crcy_cd"] = "USD",
        ["ovrs_excg_cd"] = order.Exchange,
    };

    /// <summary>
    /// <c>GET /uapi/domestic-stock/v1/trading/inquire-balance</c>: holdings in output1, cash and the
    /// total evaluation (D+2 cash + holdings at the current price) in output2. One page. Cash comes as
    /// KIS gives it, three figures that differ while trades settle (D+2): <c>dnca_tot_amt</c> the
    /// deposit today, <c>nxdy_excc_amt</c> tomorrow's (today's trades are not in it either), and
    /// <c>prvs_rcdl_excc_amt</c> the deposit once every trade has settled.
    /// </summary>
    private IResult Balance(HttpContext context) => BalancePage(context, overseas: false, (symbol, quantity, offered, cost, price) => new JsonObject
    {
        ["pdno"] = symbol,
        ["hldg_qty"] = Text(quantity),
        ["ord_psbl_qty"] = Text(quantity - offered),
        ["pchs_avg_pric"] = Text(decimal.Round(cost / quantity, 4)),
        ["pchs_amt"] = Text(decimal.Round(cost, 0)),
        ["prpr"] = Text(price),
        ["evlu_amt"] = Text(quantity * price),
    }, (wallet, holdings) => new JsonObject
    {
        ["dnca_tot_amt"] = Text(wallet.Deposit),
        ["nxdy_excc_amt"] = Text(wallet.Deposit),
        ["prvs_rcdl_excc_amt"] = Text(wallet.Cash),
        ["scts_evlu_amt"] = Text(holdings),
        ["tot_evlu_amt"] = Text(wallet.Cash + holdings),
    });

    /// <summary>
    /// <c>GET /uapi/overseas-stock/v1/trading/inquire-balance</c> (TTTS3012R / VTTS3012R): US holdings in
    /// output1 (ovrs_pdno, ovrs_cblc_qty, pchs_avg_pric, now_pric2, ovrs_stck_evlu_amt, …); output2 KIS's
    /// totals, which carry no deposit (the USD deposit is the present balance's, <see cref="OverseasPresentBalance"/>).
    /// One page, every US exchange whatever OVRS_EXCG_CD says.
    /// </summary>
    private IResult OverseasBalance(HttpContext context) => BalancePage(context, overseas: true, (symbol, quantity, offered, cost, price) => new JsonObject
    {
        ["ovrs_pdno"] = symbol,
        ["ovrs_item_name"] = symbol,
        ["ovrs_cblc_qty"] = Text(quantity),
        ["ord_psbl_qty"] = Text(quantity - offered),
        ["pchs_avg_pric"] = Text(decimal.Round(cost / quantity, 4)),
        ["frcr_pchs_amt1"] = Text(cost),
        ["now_pric2"] = Text(price),
        ["ovrs_stck_evlu_amt"] = Text(quantity * price),
        ["frcr_evlu_pfls_amt"] = Text((quantity * price) - cost),
        ["tr_crcy_cd"] = "USD",
    }, (wallet, holdings) => new JsonObject
    {
        ["tot_evlu_pfls_amt"] = Text(holdings),
    });

    /// <summary>One balance page: a row per holding of the market's wallet, then the totals.</summary>
    private IResult BalancePage(HttpContext context, bool overseas, Func<string, long, long, decimal, decimal, JsonObject> row, Func<SimWallet, decimal, JsonObject> totals)
    {
        HttpRequest request = context.Request;
        if (!HasValidToken(request))
        {
            return ExpiredToken();
        }

        if (!IsTrId(request, overseas ? "TTS3012R" : "TTC8434R"))
        {
            return Fail("OPSQ0002", "tr_id is not a balance id");
        }

        var rows = new JsonArray();
        JsonObject sums;
        lock (_book)
        {
            SimAccount account = Account(request.Query["CANO"].ToString(), request.Query["ACNT_PRDT_CD"].ToString());
            SimWallet wallet = account.Wallet(overseas);
            decimal holdings = 0;
            foreach ((string symbol, (long quantity, decimal cost)) in wallet.Positions.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (quantity <= 0)
                {
                    continue;
                }

                decimal price = PriceFor(symbol, overseas);
                holdings += quantity * price;
                rows.Add(row(symbol, quantity, account.Offered(symbol, overseas, except: null), cost, price));
            }

            sums = totals(wallet, holdings);
        }

        string size = overseas ? "200" : "100";
        context.Response.Headers["tr_cont"] = "D";
        return Results.Json(new JsonObject
        {
            ["ctx_area_fk" + size] = string.Empty,
            ["ctx_area_nk" + size] = string.Empty,
            ["output1"] = rows,
            ["output2"] = overseas ? sums : new JsonArray(sums), // KIS: a one-row list domestically, an object overseas
            ["rt_cd"] = "0",
            ["msg_cd"] = "KIOK0510",
            ["msg1"] = "조회가 완료되었습니다",
        });
    }

    /// <summary>Whether the request's tr_id is T (REAL) or V (VIRTUAL) followed by <paramref name="suffix"/>.</summary>
    private static bool IsTrId(HttpRequest request, string suffix)
    {
        string trId = request.Headers["tr_id"].ToString();
        return trId.Length == suffix.Length + 1 && trId[0] is 'T' or 'V' && trId.EndsWith(suffix, StringComparison.Ordinal);
    }

    private static bool TryQuantity(JsonNode? node, out long value)
    {
        value = 0;
        return node is JsonValue v && v.TryGetValue(out string? s) && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
