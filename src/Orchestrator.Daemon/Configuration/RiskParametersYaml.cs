using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Engine.Options;

namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// Risk parameters in the shape of <c>risk_management.yaml</c> (its keys, its units: fractions,
/// <c>2s</c> durations, <c>HH:mm</c> UTC times, the sizing method's name), so that what
/// <c>GET /api/risk</c> answers is a body <c>PUT /api/risk</c> takes back unchanged — the one
/// shape both ways. The keys mirror <see cref="ConfigLoader"/>'s risk reader; a round-trip test
/// keeps them together.
/// </summary>
public static class RiskParametersYaml
{
    /// <summary>Every key <see cref="ConfigLoader.ValidateRiskChange"/> reads for <paramref name="parameters"/> (the built-in rules' settings apply at start only and are not among them).</summary>
    public static JsonObject ToJson(RiskParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        RiskOptions r = parameters.Risk;
        SizingOptions z = parameters.Sizing;
        ExitOptions x = parameters.Exits;
        return new JsonObject
        {
            ["kill_switch"] = r.KillSwitchEngaged,
            ["max_daily_loss"] = r.MaxDailyLossFraction,
            ["min_confidence"] = r.MinConfidence,
            ["allowed_symbols"] = new JsonArray([.. r.AllowedSymbols.Select(s => (JsonNode?)JsonValue.Create(s))]),
            ["session"] = new JsonObject { ["start_utc"] = TimeOfDay(r.SessionStartUtc), ["end_utc"] = TimeOfDay(r.SessionEndUtc) },
            ["rate_limits"] = new JsonObject { ["per_second"] = r.MaxOrdersPerSecond, ["per_minute"] = r.MaxOrdersPerMinute, ["per_day"] = r.MaxOrdersPerDay },
            ["max_open_orders"] = r.MaxOpenOrders,
            ["price_collar"] = r.PriceCollarFraction,
            ["duplicate_window"] = Duration(r.DuplicateWindow),
            ["allow_short_selling"] = r.AllowShortSelling,
            ["sizing"] = new JsonObject
            {
                ["method"] = MethodName(z.Method),
                ["fraction_of_equity"] = z.FractionOfEquity,
                ["risk_per_trade"] = z.RiskPerTradeFraction,
                ["atr_multiple"] = z.AtrMultiple,
                ["fixed_quantity"] = z.FixedQuantity,
                ["scale_by_confidence"] = z.ScaleByConfidence,
                ["max_position"] = z.MaxPositionFraction,
                ["max_order_notional"] = z.MaxOrderNotional,
                ["max_concentration"] = z.MaxConcentrationFraction,
                ["lot_size"] = z.LotSize,
            },
            ["exits"] = new JsonObject { ["stop_loss"] = x.StopLossFraction, ["take_profit"] = x.TakeProfitFraction, ["trailing_stop"] = x.TrailingStopFraction },
        };
    }

    /// <summary>The name <c>sizing.method</c> takes for <paramref name="method"/>.</summary>
    public static string MethodName(SizingMethod method) => method switch
    {
        SizingMethod.Volatility => "volatility",
        SizingMethod.FixedQuantity => "fixed_quantity",
        _ => "fixed_fraction",
    };

    private static string TimeOfDay(TimeSpan time) => time.ToString(time.Seconds == 0 ? "hh\\:mm" : "hh\\:mm\\:ss", CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan span) => span.Ticks % TimeSpan.TicksPerSecond == 0
        ? ((long)span.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s"
        : ((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
}
