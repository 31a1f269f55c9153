using NLog;
using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.Metrics;

namespace Orchestrator.Daemon.Hosting;

/// <summary>The periodic status line (headless runs watch the daemon through it), with its figures as JSON-log fields too.</summary>
public sealed partial class TradingSession
{
    /// <summary>
    /// <see cref="StatusLine"/> as a log event whose properties carry the figures, so the JSON log
    /// has them as fields: <c>event=status</c>, equity, cash, pnl, day_pnl, open_orders, orders,
    /// fills, rejects, latency_p50_us, latency_p99_us.
    /// </summary>
    public LogEventInfo StatusEvent()
    {
        TradingEngine e = Engine;
        LatencySummary latency = Latency.Summarize();
        var info = LogEventInfo.Create(LogLevel.Info, s_logger.Name, StatusLine());
        info.Properties["event"] = "status";
        info.Properties["equity"] = FixedPoint.ToDecimal(e.Portfolio.EquityRaw);
        info.Properties["cash"] = FixedPoint.ToDecimal(e.Portfolio.CashRaw);
        info.Properties["pnl"] = FixedPoint.ToDecimal(e.Portfolio.EquityRaw - e.Portfolio.StartingEquityRaw);
        for (int c = 1; c < e.Portfolio.Currencies.Count; c++)
        {
            info.Properties["cash_" + e.Portfolio.Currencies.Code(c)] = FixedPoint.ToDecimal(e.Portfolio.CashRawOf(c)); // the base's is "cash"
        }

        info.Properties["day_pnl"] = FixedPoint.ToDecimal(DayPnlRaw(e));
        info.Properties["open_orders"] = e.Orders.OpenCount;
        info.Properties["orders"] = e.Counters.OrdersSubmitted;
        info.Properties["fills"] = e.Counters.Fills;
        info.Properties["rejects"] = e.Counters.TotalRejects;
        info.Properties["latency_p50_us"] = Math.Round(latency.P50Us, 1);
        info.Properties["latency_p99_us"] = Math.Round(latency.P99Us, 1);
        return info;
    }

    /// <summary>Equity now less the trading day's start-of-day equity (the session's starting equity before the first day starts).</summary>
    private static long DayPnlRaw(TradingEngine e)
    {
        long start = e.Risk.StartOfDayEquityRaw;
        return e.Portfolio.EquityRaw - (start != 0 ? start : e.Portfolio.StartingEquityRaw);
    }

    /// <summary>The base currency's symbol before each base figure of the status line when the account has several currencies ("$"); empty with one, so the line is as before.</summary>
    private static string BaseSymbol(TradingEngine e) => e.Portfolio.Currencies.Count == 1 ? string.Empty : CurrencySymbols.Of(e.Portfolio.Currencies.Code(Orchestrator.Engine.State.Currencies.Base));

    /// <summary>" cash_KRW=₩… pnl_KRW=₩…" for each currency besides the base, each figure in its own currency's symbol (issue 19); empty with one currency, so the line is as before.</summary>
    private static string OtherCurrencies(TradingEngine e)
    {
        Engine.State.Currencies currencies = e.Portfolio.Currencies;
        if (currencies.Count == 1)
        {
            return string.Empty;
        }

        var text = new System.Text.StringBuilder();
        for (int c = 1; c < currencies.Count; c++)
        {
            string code = currencies.Code(c);
            string symbol = CurrencySymbols.Of(code);
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $" cash_{code}={symbol}{FixedPoint.Format(e.Portfolio.CashRawOf(c))} pnl_{code}={symbol}{FixedPoint.Format(e.Portfolio.RealizedRawOf(c) + e.Portfolio.UnrealizedRawOf(c) - e.Portfolio.CommissionRawOf(c))}");
        }

        return text.ToString();
    }
}
