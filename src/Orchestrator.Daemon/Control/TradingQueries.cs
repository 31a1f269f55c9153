using Orchestrator.Agents.Health;
using Orchestrator.Core;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine;
using Orchestrator.Engine.Handlers;
using Orchestrator.Engine.State;
using Orchestrator.Strategies;

namespace Orchestrator.Daemon.Control;

/// <summary>
/// What the operator's surfaces (control API, MCP server) read from a running session and the
/// one command they both send, in one place so the two never disagree: status, portfolio,
/// positions, open orders, health, kill switch. Slow path only: it reads counters, the
/// portfolio and the order table without stopping the engine, or publishes one command.
/// Money leaves fixed point as <see cref="decimal"/>, never <see cref="double"/>.
/// </summary>
public static class TradingQueries
{
    /// <summary>The session's state and counters (<c>/api/status</c>).</summary>
    public static SessionStatus Status(TradingSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        TradingEngine engine = session.Engine;
        return new SessionStatus(
            session.Fault is null ? "running" : "halted",
            engine.Risk.KillSwitchEngaged,
            engine.Risk.AppliedParametersVersion,
            engine.Counters.Events,
            engine.Counters.OrdersSubmitted,
            engine.Counters.Fills,
            engine.Counters.TotalRejects,
            engine.Orders.OpenCount,
            FixedPoint.ToDecimal(engine.Portfolio.CashRaw),
            FixedPoint.ToDecimal(engine.Portfolio.EquityRaw))
        {
            Currencies = CurrencyFigures.Of(engine.Portfolio),
            Strategies = [.. session.Strategies.Select(s => new StrategyStatus(s.Name, s.Instance.Threading == StrategyThreading.FastPath ? "fast_path" : "slow_path", s.Symbols))],
        };
    }

    /// <summary>Cash, equity and P&amp;L: day (against the trading day's start), total, realized, unrealized, commission; and each currency's (issue 19).</summary>
    public static PortfolioSummary Portfolio(TradingSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        Portfolio p = session.Engine.Portfolio;
        long equity = p.EquityRaw;
        long dayStart = session.Engine.Risk.StartOfDayEquityRaw;
        return new PortfolioSummary(
            FixedPoint.ToDecimal(p.CashRaw),
            FixedPoint.ToDecimal(equity),
            FixedPoint.ToDecimal(p.StartingCashRaw),
            FixedPoint.ToDecimal(equity - (dayStart != 0 ? dayStart : p.StartingEquityRaw)),
            FixedPoint.ToDecimal(equity - p.StartingEquityRaw),
            FixedPoint.ToDecimal(p.RealizedRawOf(Currencies.Base)),
            FixedPoint.ToDecimal(p.UnrealizedRawOf(Currencies.Base)),
            FixedPoint.ToDecimal(p.CommissionRaw))
        {
            BaseCurrency = p.Currencies.Code(Currencies.Base),
            Currencies = CurrencyFigures.Of(p),
        };
    }

    /// <summary>Every symbol with a position or realized P&amp;L (<c>/api/positions</c>).</summary>
    public static IReadOnlyList<PositionReport> Positions(TradingSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return RunReport.From(session.Engine, session.Latency, TimeSpan.Zero, session.Fault).Positions;
    }

    /// <summary>
    /// One agent's figures (<c>GET /api/agents/{name}</c>) as JSON: kind, counters, rejects by
    /// reason, its own P&amp;L and positions, restarts, and its open orders; null when the book has
    /// no agent of that name (it has sent no signal, and no order of its has filled).
    /// </summary>
    public static string? Agent(TradingSession session, string name)
    {
        ArgumentNullException.ThrowIfNull(session);
        TradingEngine engine = session.Engine;
        var copy = new AgentBookCopy();
        engine.Agents.Read(copy);
        int index = copy.IndexOf(name);
        if (index < 0)
        {
            return null;
        }

        AgentFigures figures = copy.FiguresOf(index, engine.Symbols, engine.AgentKinds) with { Restarts = session.AgentRestarts?.Invoke(name) ?? 0 };
        using var stream = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            figures.WriteFields(w, positions: true);
            w.WriteStartArray("open_orders");
            foreach (OpenOrderView o in copy.SourceIds[index] < 0 ? [] : OpenOrders(engine, copy.SourceIds[index]))
            {
                w.WriteStartObject();
                w.WriteNumber("order_id", o.ClientOrderId);
                w.WriteString("symbol", o.Symbol);
                w.WriteString("side", o.Side);
                w.WriteString("type", o.Type);
                w.WriteString("status", o.Status);
                w.WriteNumber("quantity", o.Quantity);
                w.WriteNumber("filled", o.Filled);
                w.WriteNumber("limit_price", o.LimitPrice);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The names the agent book knows (for an unknown name's error).</summary>
    public static IReadOnlyList<string> AgentNames(TradingEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var copy = new AgentBookCopy();
        int count = engine.Agents.Read(copy);
        return copy.Names[..count];
    }

    /// <summary>Open orders read from the engine's table without stopping it: each record is read until two reads agree (only <paramref name="sourceId"/>'s when given).</summary>
    public static IReadOnlyList<OpenOrderView> OpenOrders(TradingEngine engine, int? sourceId = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var orders = new List<OpenOrderView>();
        for (int slot = 0; slot < engine.Orders.Capacity; slot++)
        {
            OrderRecord order = engine.Orders[slot];
            if (order.ClientOrderId == 0 || !order.IsOpen)
            {
                continue;
            }

            for (int attempt = 0; attempt < 3 && !order.Equals(engine.Orders[slot]); attempt++)
            {
                order = engine.Orders[slot]; // changed while we read it: read again
            }

            if (order.ClientOrderId != 0 && order.IsOpen && (sourceId is null || order.SourceId == sourceId))
            {
                orders.Add(new OpenOrderView(
                    order.ClientOrderId,
                    engine.Symbols.GetName(order.SymbolId),
                    order.Side.ToString().ToUpperInvariant(),
                    order.OrderType.ToString(),
                    order.Status.ToString(),
                    engine.Instruments.Units.ToDecimal(order.SymbolId, order.Quantity), // shares (issue 19: a fraction where the symbol has quantity_decimals)
                    engine.Instruments.Units.ToDecimal(order.SymbolId, order.FilledQuantity),
                    FixedPoint.ToDecimal(order.LimitRaw)));
            }
        }

        return orders;
    }

    /// <summary>The agents' health monitor's latest snapshot, or the session's own components checked now (agents off, or no check yet).</summary>
    public static HealthSnapshot Health(TradingSession session, HealthMonitor? monitor) =>
        monitor?.Current is { Version: > 0 } current ? current : SessionHealth.CheckNow(session);

    /// <summary>Publishes the kill-switch command (the risk handler engages it; with <paramref name="flatten"/> open positions are closed too).</summary>
    public static void EngageKillSwitch(TradingSession session, bool flatten)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.Engine.PublishCommand(CommandKind.EngageKillSwitch, flatten ? OrderManagerHandler.KillSwitchFlatten : 0, session.LastEventTimeNs);
    }
}
