using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Orchestrator.ExchangeSimulator;

/// <summary>
/// The overseas present balance (issue 19, money per currency): the account's foreign-currency deposits,
/// one row per currency, each with KIS's exchange rate of the day.
/// </summary>
public sealed partial class KisSimulator
{
    /// <summary>
    /// <c>GET /uapi/overseas-stock/v1/trading/inquire-present-balance</c> (CTRP6504R / VTRP6504R; query CANO,
    /// ACNT_PRDT_CD, WCRC_FRCR_DVSN_CD 01 won / 02 foreign currency, NATN_CD, TR_MKET_CD, INQR_DVSN_CD). The
    /// subset served, in KIS's field names: output1 a row per US holding (pdno, cblc_qty13, ord_psbl_qty1,
    /// avg_unpr3, ovrs_now_pric1, frcr_pchs_amt, frcr_evlu_amt2, buy_crcy_cd, ovrs_excg_cd, bass_exrt);
    /// output2 a row per currency (crcy_cd, frcr_dncl_amt_2 the deposit, frcr_drwg_psbl_amt_1 what may be
    /// withdrawn, frst_bltn_exrt the first bulletin rate in KRW, frcr_evlu_amt2 the deposit in KRW at it);
    /// output3 the totals (tot_asst_amt in KRW). One page, no continuation. Figures are in the holding's own
    /// currency whatever WCRC_FRCR_DVSN_CD says, except those named "in KRW".
    /// </summary>
    private IResult OverseasPresentBalance(HttpContext context)
    {
        HttpRequest request = context.Request;
        if (!HasValidToken(request))
        {
            return ExpiredToken();
        }

        string trId = request.Headers["tr_id"].ToString();
        if (trId is not ("CTRP6504R" or "VTRP6504R"))
        {
            return Fail("OPSQ0002", "tr_id is not a present-balance id");
        }

        if (request.Query["WCRC_FRCR_DVSN_CD"].ToString() is not ("01" or "02") || string.IsNullOrEmpty(request.Query["NATN_CD"].ToString())
            || string.IsNullOrEmpty(request.Query["TR_MKET_CD"].ToString()) || string.IsNullOrEmpty(request.Query["INQR_DVSN_CD"].ToString()))
        {
            return Fail("OPSQ2001", "WCRC_FRCR_DVSN_CD, NATN_CD, TR_MKET_CD and INQR_DVSN_CD are required");
        }

        var holdings = new JsonArray();
        var currencies = new JsonArray();
        JsonObject totals;
        lock (_book)
        {
            SimAccount account = Account(request.Query["CANO"].ToString(), request.Query["ACNT_PRDT_CD"].ToString());
            SimWallet wallet = account.Usd;
            decimal rate = UsdKrwRate;
            decimal value = 0;
            foreach ((string symbol, (long quantity, decimal cost)) in wallet.Positions.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (quantity <= 0)
                {
                    continue;
                }

                decimal price = CurrentUsdPrice(symbol);
                value += quantity * price;
                holdings.Add(new JsonObject
                {
                    ["pdno"] = symbol,
                    ["prdt_name"] = symbol,
                    ["cblc_qty13"] = Text(quantity),
                    ["ord_psbl_qty1"] = Text(quantity - account.Offered(symbol, overseas: true, except: null)),
                    ["avg_unpr3"] = Text(decimal.Round(cost / quantity, 4)),
                    ["ovrs_now_pric1"] = Text(price),
                    ["frcr_pchs_amt"] = Text(cost),
                    ["frcr_evlu_amt2"] = Text(quantity * price),
                    ["buy_crcy_cd"] = "USD",
                    ["ovrs_excg_cd"] = "NASD",
                    ["bass_exrt"] = Text(rate),
                });
            }

            currencies.Add(new JsonObject
            {
                ["crcy_cd"] = "USD",
                ["crcy_cd_name"] = "미국 달러",
                ["frcr_dncl_amt_2"] = Text(wallet.Cash),
                ["frcr_drwg_psbl_amt_1"] = Text(wallet.Cash),
                ["frst_bltn_exrt"] = Text(rate),
                ["frcr_evlu_amt2"] = Text(decimal.Round(wallet.Cash * rate, 0)),
            });
            totals = new JsonObject
            {
                ["tot_asst_amt"] = Text(decimal.Round((wallet.Cash + value) * rate, 0) + account.Krw.Cash),
                ["frcr_evlu_tota"] = Text(decimal.Round(value * rate, 0)),
            };
        }

        context.Response.Headers["tr_cont"] = "D";
        return Results.Json(new JsonObject
        {
            ["output1"] = holdings,
            ["output2"] = currencies,
            ["output3"] = totals,
            ["rt_cd"] = "0",
            ["msg_cd"] = "KIOK0510",
            ["msg1"] = "조회가 완료되었습니다",
        });
    }
}
