using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Kis;

/// <summary>One of the day's orders as KIS reports it (a row of <c>inquire-daily-ccld</c> output1).</summary>
/// <param name="OrderNumber">odno.</param>
/// <param name="Symbol">pdno.</param>
/// <param name="Side">sll_buy_dvsn_cd: 01 sell, 02 buy.</param>
/// <param name="OrderedQuantity">ord_qty.</param>
/// <param name="FilledQuantity">tot_ccld_qty: cumulative.</param>
/// <param name="RemainingQuantity">rmn_qty: still working (0 once filled, canceled or revised away).</param>
/// <param name="Canceled">cncl_yn is "Y".</param>
/// <param name="FilledAmount">tot_ccld_amt: KRW paid or received for the filled shares.</param>
/// <param name="AveragePrice">avg_prvs: average fill price (0 when nothing filled).</param>
/// <param name="OriginalOrderNumber">orgn_odno: for a revision, the order it replaced; empty otherwise.</param>
public sealed record KisDailyOrder(
    string OrderNumber,
    string Symbol,
    Side Side,
    long OrderedQuantity,
    long FilledQuantity,
    long RemainingQuantity,
    bool Canceled,
    decimal FilledAmount = 0,
    decimal AveragePrice = 0,
    string OriginalOrderNumber = "")
{
    internal static KisDailyOrder FromRow(JsonNode row) => new(
        KisNumbers.String(row["odno"]),
        KisNumbers.String(row["pdno"]),
        KisNumbers.String(row["sll_buy_dvsn_cd"]) == "02" ? Side.Buy : Side.Sell,
        KisNumbers.Quantity(row["ord_qty"]),
        KisNumbers.Quantity(row["tot_ccld_qty"]),
        KisNumbers.Quantity(row["rmn_qty"]),
        KisNumbers.String(row["cncl_yn"]) == "Y",
        KisNumbers.Decimal(row["tot_ccld_amt"]),
        KisNumbers.Decimal(row["avg_prvs"]),
        KisNumbers.String(row["orgn_odno"]));
}

/// <summary>The account as <c>inquire-balance</c> reports it.</summary>
/// <param name="Cash">output2 dnca_tot_amt: cash deposit, KRW.</param>
/// <param name="TotalEvaluation">output2 tot_evlu_amt: cash plus holdings at current prices, KRW.</param>
/// <param name="Positions">output1 rows with shares held.</param>
public sealed record KisBalance(decimal Cash, decimal TotalEvaluation, IReadOnlyList<KisPosition> Positions);

/// <summary>One holding (a row of <c>inquire-balance</c> output1).</summary>
/// <param name="Symbol">pdno.</param>
/// <param name="Quantity">hldg_qty.</param>
/// <param name="AveragePrice">pchs_avg_pric: average purchase price.</param>
/// <param name="CurrentPrice">prpr: the current price.</param>
public sealed record KisPosition(string Symbol, long Quantity, decimal AveragePrice, decimal CurrentPrice)
{
    internal static KisPosition FromRow(JsonNode row) => new(
        KisNumbers.String(row["pdno"]),
        KisNumbers.Quantity(row["hldg_qty"]),
        KisNumbers.Decimal(row["pchs_avg_pric"]),
        KisNumbers.Decimal(row["prpr"]));
}

/// <summary>KIS sends numbers as strings; these read them exactly (decimal, never double), 0 when absent or unreadable.</summary>
internal static class KisNumbers
{
    public static string String(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : string.Empty;

    public static long Quantity(JsonNode? node) =>
        long.TryParse(String(node), NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out long value) ? value : 0;

    public static decimal Decimal(JsonNode? node) =>
        decimal.TryParse(String(node), NumberStyles.Number, CultureInfo.InvariantCulture, out decimal value) ? value : 0m;
}
