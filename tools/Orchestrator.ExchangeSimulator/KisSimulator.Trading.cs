using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Orchestrator.ExchangeSimulator;

/// <summary>The trading endpoints: order-cash, order-rvsecncl, inquire-daily-ccld, inquire-balance.</summary>
public sealed partial class KisSimulator
{
    /// <summary>Rows per <c>inquire-daily-ccld</c> page (KIS: 100).</summary>
    public int DailyPageSize { get; set; } = 100;

    /// <summary>
    /// <c>POST /uapi/domestic-stock/v1/trading/order-cash</c>. A struck <see cref="Fault"/> answers
    /// instead of booking — or, with <see cref="FaultAfterAccept"/>, after booking.
    /// </summary>
    private async Task<IResult> PlaceOrderAsync(HttpContext context)
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
        if (trId is not ("TTTC0012U" or "TTTC0011U" or "VTTC0012U" or "VTTC0011U"))
        {
            return Fail("OPSQ0002", "tr_id is not a cash-order id");
        }

        JsonObject? body = await ReadAsync(request).ConfigureAwait(false);
        string[] required = ["CANO", "ACNT_PRDT_CD", "PDNO", "ORD_DVSN", "ORD_QTY", "ORD_UNPR"];
        string? missing = required.FirstOrDefault(k => body?[k] is not JsonValue v || v.GetValueKind() != JsonValueKind.String);
        if (missing is not null)
        {
            return Fail("OPSQ2001", $"{missing} must be given as a string");
        }

        string kind = body!["ORD_DVSN"]!.GetValue<string>();
        if (!TryQuantity(body["ORD_QTY"], out long quantity) || quantity <= 0)
        {
            return Fail("APBK0917", "주문수량을 확인하세요.");
        }

        if (kind is not ("00" or "01") || !TryQuantity(body["ORD_UNPR"], out long limit) || (kind == "00" && limit <= 0))
        {
            return Fail("APBK1680", "주문구분 또는 주문단가를 확인하세요.");
        }

        IResult answer;
        lock (_book)
        {
            SimAccount account = Account(body["CANO"]!.GetValue<string>(), body["ACNT_PRDT_CD"]!.GetValue<string>());
            SimOrder? order = TryBook(account, body["PDNO"]!.GetValue<string>(), trId.EndsWith("0012U", StringComparison.Ordinal), kind == "01", quantity, limit, replacing: null, out (string Code, string Message) refusal);
            if (order is null)
            {
                return Fail(refusal.Code, refusal.Message);
            }

            body["tr_id"] = trId;
            _orders.Enqueue(body);
            PublishNotice(order, NoticeKind.Accepted, 0, 0);
            Match(order);
            answer = Accepted(order.Odno);
        }

        return struck ? await FaultAnswerAsync(context).ConfigureAwait(false) : answer; // booked, but the answer is lost
    }

    /// <summary><c>POST /uapi/domestic-stock/v1/trading/order-rvsecncl</c>: 01 revise the open remainder, 02 cancel it.</summary>
    private async Task<IResult> ReviseOrCancelAsync(HttpRequest request)
    {
        if (!HasValidToken(request))
        {
            return ExpiredToken();
        }

        if (request.Headers["tr_id"].ToString() is not ("TTTC0013U" or "VTTC0013U"))
        {
            return Fail("OPSQ0002", "tr_id is not a revise/cancel id");
        }

        JsonObject? body = await ReadAsync(request).ConfigureAwait(false);
        string? original = body?["ORGN_ODNO"]?.GetValue<string>();
        string? kind = body?["RVSE_CNCL_DVSN_CD"]?.GetValue<string>();
        if (original is null || kind is not ("01" or "02"))
        {
            return Fail("OPSQ2001", "ORGN_ODNO and RVSE_CNCL_DVSN_CD (01 revise, 02 cancel) are required");
        }

        lock (_book)
        {
            if (!_ordersByNumber.TryGetValue(original, out SimOrder? order) || order.Remaining <= 0)
            {
                return Fail("APBK0918", kind == "02" ? "취소 가능한 수량이 없습니다." : "정정 가능한 수량이 없습니다.");
            }

            if (kind == "02")
            {
                order.Canceled = true;
                Interlocked.Increment(ref _cancels);
                PublishNotice(order, NoticeKind.Canceled, 0, 0);
                return Accepted((++_orderNumber).ToString("0000000000", CultureInfo.InvariantCulture));
            }

            bool all = body!["QTY_ALL_ORD_YN"]?.GetValue<string>() == "Y";
            long quantity = order.Remaining;
            if ((!all && (!TryQuantity(body["ORD_QTY"], out quantity) || quantity <= 0 || quantity > order.Remaining))
                || !TryQuantity(body["ORD_UNPR"], out long price) || price <= 0)
            {
                return Fail("APBK0918", "정정 가능한 수량을 초과했거나 단가가 없습니다.");
            }

            SimOrder? revised = TryBook(order.Account, order.Symbol, order.Buy, market: false, quantity, price, replacing: order, out (string Code, string Message) refusal);
            if (revised is null)
            {
                return Fail(refusal.Code, refusal.Message);
            }

            order.Revised = true;
            PublishNotice(revised, NoticeKind.Accepted, 0, 0);
            Match(revised);
            return Accepted(revised.Odno);
        }
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
    /// <c>GET /uapi/domestic-stock/v1/trading/inquire-daily-ccld</c>: the account's orders with their
    /// cumulative fills, <see cref="DailyPageSize"/> per page. <c>ctx_area_nk100</c> carries the last
    /// order number sent; response header <c>tr_cont</c> is F/M while pages follow, D/E on the last.
    /// </summary>
    private IResult DailyOrders(HttpContext context)
    {
        HttpRequest request = context.Request;
        if (!HasValidToken(request))
        {
            return ExpiredToken();
        }

        string after = request.Query["CTX_AREA_NK100"].ToString().Trim();
        bool continued = request.Headers["tr_cont"].ToString() == "N";
        var rows = new JsonArray();
        bool more;
        lock (_book)
        {
            SimAccount account = Account(request.Query["CANO"].ToString(), request.Query["ACNT_PRDT_CD"].ToString());
            List<SimOrder> page = [.. account.Orders.Where(o => after.Length == 0 || string.CompareOrdinal(o.Odno, after) > 0).Take(Math.Max(1, DailyPageSize) + 1)];
            more = page.Count > Math.Max(1, DailyPageSize);
            foreach (SimOrder order in page.Take(Math.Max(1, DailyPageSize)))
            {
                rows.Add(DailyRow(order));
            }
        }

        string last = rows.Count > 0 ? rows[^1]!["odno"]!.GetValue<string>() : after;
        context.Response.Headers["tr_cont"] = more ? (continued ? "M" : "F") : (continued ? "E" : "D");
        return Results.Json(new JsonObject
        {
            ["ctx_area_fk100"] = request.Query["CANO"].ToString(),
            ["ctx_area_nk100"] = more ? last : string.Empty,
            ["output1"] = rows,
            ["rt_cd"] = "0",
            ["msg_cd"] = "KIOK0510",
            ["msg1"] = "조회가 완료되었습니다",
        });
    }

    private static JsonObject DailyRow(SimOrder order) => new()
    {
        ["ord_dt"] = SeoulNow.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
        ["odno"] = order.Odno,
        ["orgn_odno"] = order.OriginalOdno,
        ["pdno"] = order.Symbol,
        ["sll_buy_dvsn_cd"] = order.Buy ? "02" : "01",
        ["ord_dvsn_cd"] = order.Market ? "01" : "00",
        ["ord_qty"] = Text(order.Quantity),
        ["ord_unpr"] = Text(order.LimitKrw),
        ["ord_tmd"] = order.Time,
        ["tot_ccld_qty"] = Text(order.Filled),
        ["tot_ccld_amt"] = Text(order.FilledAmount),
        ["avg_prvs"] = Text(order.Filled > 0 ? decimal.Round((decimal)order.FilledAmount / order.Filled, 4) : 0m),
        ["rmn_qty"] = Text(order.Remaining),
        ["cncl_yn"] = order.Canceled ? "Y" : "N",
    };

    /// <summary>
    /// <c>GET /uapi/domestic-stock/v1/trading/inquire-balance</c>: holdings in output1, cash and the
    /// total evaluation (cash + holdings at the current price) in output2. One page.
    /// </summary>
    private IResult Balance(HttpContext context)
    {
        HttpRequest request = context.Request;
        if (!HasValidToken(request))
        {
            return ExpiredToken();
        }

        if (request.Headers["tr_id"].ToString() is not ("TTTC8434R" or "VTTC8434R"))
        {
            return Fail("OPSQ0002", "tr_id is not a balance id");
        }

        var rows = new JsonArray();
        JsonObject totals;
        lock (_book)
        {
            SimAccount account = Account(request.Query["CANO"].ToString(), request.Query["ACNT_PRDT_CD"].ToString());
            long holdings = 0;
            foreach ((string symbol, (long quantity, decimal cost)) in account.Positions.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (quantity <= 0)
                {
                    continue;
                }

                long price = CurrentPrice(symbol);
                holdings += quantity * price;
                rows.Add(new JsonObject
                {
                    ["pdno"] = symbol,
                    ["hldg_qty"] = Text(quantity),
                    ["ord_psbl_qty"] = Text(quantity - account.Offered(symbol, except: null)),
                    ["pchs_avg_pric"] = Text(decimal.Round(cost / quantity, 4)),
                    ["pchs_amt"] = Text(decimal.Round(cost, 0)),
                    ["prpr"] = Text(price),
                    ["evlu_amt"] = Text(quantity * price),
                });
            }

            totals = new JsonObject
            {
                ["dnca_tot_amt"] = Text(account.Cash),
                ["scts_evlu_amt"] = Text(holdings),
                ["tot_evlu_amt"] = Text(account.Cash + holdings),
            };
        }

        context.Response.Headers["tr_cont"] = "D";
        return Results.Json(new JsonObject
        {
            ["ctx_area_fk100"] = string.Empty,
            ["ctx_area_nk100"] = string.Empty,
            ["output1"] = rows,
            ["output2"] = new JsonArray(totals),
            ["rt_cd"] = "0",
            ["msg_cd"] = "KIOK0510",
            ["msg1"] = "조회가 완료되었습니다",
        });
    }

    private static bool TryQuantity(JsonNode? node, out long value)
    {
        value = 0;
        return node is JsonValue v && v.TryGetValue(out string? s) && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
