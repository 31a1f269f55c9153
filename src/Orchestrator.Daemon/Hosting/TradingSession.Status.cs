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
        info.Properties["pnl"] = FixedPoint.ToDecimal(e.Portfolio.EquityRaw - e.Portfolio.StartingCashRaw);
        info.Properties["day_pnl"] = FixedPoint.ToDecimal(DayPnlRaw(e));
        info.Properties["open_orders"] = e.Orders.OpenCount;
        info.Properties["orders"] = e.Counters.OrdersSubmitted;
        info.Properties["fills"] = e.Counters.Fills;
        info.Properties["rejects"] = e.Counters.TotalRejects;
        info.Properties["latency_p50_us"] = Math.Round(latency.P50Us, 1);
        info.Properties["latency_p99_us"] = Math.Round(latency.P99Us, 1);
        return info;
    }

    /// <summary>Equity now less the trading day's start-of-day equity (the session's starting cash before the first day starts).</summary>
    private static long DayPnlRaw(TradingEngine e)
    {
        long start = e.Risk.StartOfDayEquityRaw;
        return e.Portfolio.EquityRaw - (start != 0 ? start : e.Portfolio.StartingCashRaw);
    }
}
