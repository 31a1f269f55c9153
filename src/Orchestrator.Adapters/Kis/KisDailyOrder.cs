using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Kis;

/// <summary>
/// One of the day's orders as KIS reports it: a row of domestic <c>inquire-daily-ccld</c> output1
/// (the fields named below), or of overseas <c>inquire-ccnl</c> output (<see cref="FromOverseasRow"/>:
/// ft_ord_qty, ft_ccld_qty, nccs_qty, ft_ccld_amt3, ft_ccld_unpr3 in USD, rvse_cncl_dvsn 02 for a cancel).
/// </summary>
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
    private static readonly Columns s_domestic = new("ord_qty", "tot_ccld_qty", "rmn_qty", "tot_ccld_amt", "avg_prvs");
    private static readonly Columns s_overseas = new("ft_ord_qty", "ft_ccld_qty", "nccs_qty", "ft_ccld_amt3", "ft_ccld_unpr3");

    internal static KisDailyOrder FromRow(JsonNode row) => Read(row, s_domestic, KisNumbers.String(row["cncl_yn"]) == "Y");

    /// <summary>
    /// A row of overseas <c>inquire-ccnl</c> output: odno, orgn_odno, pdno, sll_buy_dvsn_cd (01 sell,
    /// 02 buy), ft_ord_qty, ft_ccld_qty, nccs_qty (unfilled and still working), ft_ccld_amt3 (USD paid or
    /// received), ft_ccld_unpr3 (average fill price, USD). The list has no cancel yes/no column: a cancel is
    /// a row of its own whose rvse_cncl_dvsn is 02 (rvse_cncl_dvsn_name 취소) and whose orgn_odno is the
    /// order it canceled, so <see cref="Canceled"/> is read from that code (or that name).
    /// </summary>
    internal static KisDailyOrder FromOverseasRow(JsonNode row) =>
        Read(row, s_overseas, KisNumbers.String(row["rvse_cncl_dvsn"]) == "02" || KisNumbers.String(row["rvse_cncl_dvsn_name"]) == "취소");

    private static KisDailyOrder Read(JsonNode row, Columns columns, bool canceled) => new(
        KisNumbers.String(row["odno"]),
        KisNumbers.String(row["pdno"]),
        KisNumbers.String(row["sll_buy_dvsn_cd"]) == "02" ? Side.Buy : Side.Sell,
        KisNumbers.Quantity(row[columns.Ordered]),
        KisNumbers.Quantity(row[columns.Filled]),
        KisNumbers.Quantity(row[columns.Remaining]),
        canceled,
        KisNumbers.Decimal(row[columns.Amount]),
        KisNumbers.Decimal(row[columns.Average]),
        KisNumbers.String(row["orgn_odno"]));

    /// <summary>Where the domestic and overseas lists keep the same figures.</summary>
    private sealed record Columns(string Ordered, string Filled, string Remaining, string Amount, string Average);
}

/// <summary>
/// The account as <c>inquire-balance</c> reports it: in KRW from the domestic query, in USD from
/// <see cref="KisRestClient.GetOverseasBalanceAsync"/> (which reads the overseas fields named there).
/// </summary>
/// <remarks>
/// KIS equities settle D+2, so the domestic answer carries three cash figures that differ while trades
/// settle: <c>dnca_tot_amt</c> (the deposit today: a buy made today is still in it, a sale's proceeds are
/// not), <c>nxdy_excc_amt</c> (the deposit tomorrow) and <c>prvs_rcdl_excc_amt</c> (the deposit once every
/// trade so far has settled, D+2). The engine debits a buy and credits a sale when it fills, so its cash
/// is the D+2 figure: <see cref="Cash"/> is <c>prvs_rcdl_excc_amt</c>, and the deposit is kept apart in
/// <see cref="Deposit"/> for reports only.
/// </remarks>
/// <param name="Cash">The engine's cash: output2 prvs_rcdl_excc_amt, KRW, the deposit after every trade so far settles (dnca_tot_amt only if KIS left that field out); overseas the present balance's frcr_dncl_amt_2, USD.</param>
/// <param name="TotalEvaluation">output2 tot_evlu_amt: D+2 cash plus holdings at current prices, KRW (overseas: computed, USD).</param>
/// <param name="Positions">output1 rows with shares held.</param>
public sealed record KisBalance(decimal Cash, decimal TotalEvaluation, IReadOnlyList<KisPosition> Positions)
{
    /// <summary>output2 dnca_tot_amt: the deposit today, before unsettled trades (overseas: same as <see cref="Cash"/>).</summary>
    public decimal Deposit { get; init; } = Cash;

    /// <summary>output2 nxdy_excc_amt: the deposit tomorrow (overseas: same as <see cref="Cash"/>).</summary>
    public decimal NextDay { get; init; } = Cash;

    /// <summary>Overseas: KIS's first bulletin rate of the day (frst_bltn_exrt), KRW per unit of the currency; null domestically or when KIS gave none.</summary>
    public decimal? KrwPerUnit { get; init; }
}

/// <summary>One foreign currency of the overseas present balance (an output2 row).</summary>
/// <param name="Currency">crcy_cd (ISO 4217).</param>
/// <param name="Amount">frcr_dncl_amt_2: the foreign-currency deposit, in that currency.</param>
/// <param name="KrwPerUnit">frst_bltn_exrt: KIS's first bulletin rate of the day, KRW per unit; null when absent or 0.</param>
public sealed record KisDeposit(string Currency, decimal Amount, decimal? KrwPerUnit);

/// <summary>One holding (a row of <c>inquire-balance</c> output1; overseas fields in <see cref="FromOverseasRow"/>).</summary>
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

    /// <summary>A row of overseas <c>inquire-balance</c> output1: ovrs_pdno, ovrs_cblc_qty, pchs_avg_pric, now_pric2 (USD).</summary>
    internal static KisPosition FromOverseasRow(JsonNode row) => new(
        KisNumbers.String(row["ovrs_pdno"]),
        KisNumbers.Quantity(row["ovrs_cblc_qty"]),
        KisNumbers.Decimal(row["pchs_avg_pric"]),
        KisNumbers.Decimal(row["now_pric2"]));
}

/// <summary>KIS sends numbers as strings; these read them exactly (decimal, never double), 0 when absent or unreadable.</summary>
internal static class KisNumbers
{
    public static string String(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : string.Empty;

    /// <summary>The node's text when it is a JSON string; null for anything else (absent, a number, an object).</summary>
    public static string? StringOrNull(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    public static long Quantity(JsonNode? node) =>
        long.TryParse(String(node), NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out long value) ? value : 0;

    public static decimal Decimal(JsonNode? node) =>
        decimal.TryParse(String(node), NumberStyles.Number, CultureInfo.InvariantCulture, out decimal value) ? value : 0m;
}
