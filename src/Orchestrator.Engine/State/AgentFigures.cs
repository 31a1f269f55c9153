using System.Text.Json;

namespace Orchestrator.Engine.State;

/// <summary>One agent's figures (money in decimal, for reports and the control API).</summary>
/// <param name="Name">The source name (an agent, a strategy, "rules", "exits", "operator", or "other").</param>
/// <param name="Kind">strategy, external, llm, rules, exits, operator, gateway or other (<see cref="AgentKinds"/>).</param>
/// <param name="Signals">Signals (and rule or exit intents) it sent.</param>
/// <param name="Orders">Orders they became.</param>
/// <param name="Fills">Fill reports (partial and final) of its orders.</param>
/// <param name="Rejects">Refusals by reason name (only reasons that occurred), sorted.</param>
/// <param name="RealizedPnl">Realized P&amp;L of its own fills, before commissions.</param>
/// <param name="UnrealizedPnl">Its open positions at the last price, less their cost basis.</param>
/// <param name="Commission">Commissions on its fills.</param>
/// <param name="Positions">Per symbol: every symbol it holds or has realized P&amp;L in.</param>
public sealed record AgentFigures(
    string Name,
    string Kind,
    long Signals,
    long Orders,
    long Fills,
    IReadOnlyDictionary<string, long> Rejects,
    decimal RealizedPnl,
    decimal UnrealizedPnl,
    decimal Commission,
    IReadOnlyList<AgentPosition> Positions)
{
    /// <summary>Times a supervisor restarted the agent's process (0 when not supervised).</summary>
    public int Restarts { get; init; }

    /// <summary>
    /// Writes the agent as one JSON object in the reports' shape: name, kind, signals, orders, fills,
    /// rejects {reason: count}, realized_pnl, unrealized_pnl, commission, restarts, and with
    /// <paramref name="positions"/> its positions too.
    /// </summary>
    public void WriteJson(Utf8JsonWriter w, bool positions = false)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject();
        WriteFields(w, positions);
        w.WriteEndObject();
    }

    /// <summary>The properties <see cref="WriteJson"/> writes, into an object the caller opened (and may add to).</summary>
    public void WriteFields(Utf8JsonWriter w, bool positions)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteString("name", Name);
        w.WriteString("kind", Kind);
        w.WriteNumber("signals", Signals);
        w.WriteNumber("orders", Orders);
        w.WriteNumber("fills", Fills);
        w.WriteStartObject("rejects");
        foreach (KeyValuePair<string, long> reject in Rejects)
        {
            w.WriteNumber(reject.Key, reject.Value);
        }

        w.WriteEndObject();
        w.WriteNumber("realized_pnl", RealizedPnl);
        w.WriteNumber("unrealized_pnl", UnrealizedPnl);
        w.WriteNumber("commission", Commission);
        w.WriteNumber("restarts", Restarts);
        if (positions)
        {
            w.WriteStartArray("positions");
            foreach (AgentPosition p in Positions)
            {
                w.WriteStartObject();
                w.WriteString("symbol", p.Symbol);
                w.WriteNumber("quantity", p.Quantity);
                w.WriteNumber("average_cost", p.AvgCost);
                w.WriteNumber("last_price", p.LastPrice);
                w.WriteNumber("realized_pnl", p.RealizedPnl);
                w.WriteNumber("unrealized_pnl", p.UnrealizedPnl);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }
    }
}

/// <summary>One agent's position in one symbol.</summary>
public sealed record AgentPosition(string Symbol, decimal Quantity, decimal AvgCost, decimal LastPrice, decimal RealizedPnl, decimal UnrealizedPnl);
