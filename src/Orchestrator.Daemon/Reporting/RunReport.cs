using System.Text;
using System.Text.Json;
using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.Metrics;
using Orchestrator.Engine.Ring;
using Orchestrator.Engine.State;

namespace Orchestrator.Daemon.Hosting;

/// <summary>One position in the run report.</summary>
public sealed record PositionReport(string Symbol, decimal Quantity, decimal AverageCost, decimal LastPrice, decimal UnrealizedPnl, decimal RealizedPnl);

/// <summary>
/// What a run did, written as JSON by <c>run --report FILE</c>. Money is decimal (exact,
/// from fixed point); latency is microseconds from an input's publication to the order it
/// caused reaching the broker gateway.
/// </summary>
public sealed record RunReport
{
    public required double DurationSeconds { get; init; }

    public required long Events { get; init; }

    public required long Ticks { get; init; }

    public required long Signals { get; init; }

    public required long RuleSignals { get; init; }

    public required long ExternalSignals { get; init; }

    public required long ProtectiveExits { get; init; }

    public required IReadOnlyDictionary<string, long> Rejects { get; init; }

    public required IReadOnlyDictionary<string, long> Orders { get; init; }

    public required long OrdersSubmitted { get; init; }

    public required long Fills { get; init; }

    public required long PartialFills { get; init; }

    /// <summary>Risk parameter changes applied by this process (see <see cref="EngineCounters.RiskParameterChanges"/>).</summary>
    public long RiskParameterChanges { get; init; }

    public required IReadOnlyList<PositionReport> Positions { get; init; }

    public required decimal Cash { get; init; }

    public required decimal Equity { get; init; }

    public required decimal RealizedPnl { get; init; }

    public required decimal UnrealizedPnl { get; init; }

    public required decimal Commission { get; init; }

    public required LatencySummary Latency { get; init; }

    /// <summary>Publication → the broker gateway thread's receipt of the order: both ring hops (<c>latency_to_gateway_us</c>).</summary>
    public LatencySummary LatencyToGateway { get; init; } = new(0, 0, 0, 0, 0);

    public required long IllegalReports { get; init; }

    public required long AuditDropped { get; init; }

    /// <summary>Garbage collections, bytes allocated and pause time in steady state (see <see cref="GcWatch"/>).</summary>
    public GcFigures Gc { get; init; }

    public string? Fault { get; init; }

    /// <summary>
    /// Per agent (signal source): kind, signals, orders, fills, rejects by reason, its own realized and
    /// unrealized P&amp;L, restarts (<see cref="AgentBook"/>; protective exits are their own source, "exits").
    /// </summary>
    public IReadOnlyList<AgentFigures> Agents { get; init; } = [];

    /// <param name="engine">The engine.</param>
    /// <param name="latency">Its latency recorder.</param>
    /// <param name="duration">How long it ran.</param>
    /// <param name="fault">The stage fault that halted it, if any.</param>
    /// <param name="gc">Steady-state GC figures.</param>
    /// <param name="agentRestarts">Restarts of a supervised agent by name (null, or an unknown name: 0).</param>
    public static RunReport From(TradingEngine engine, LatencyRecorder latency, TimeSpan duration, ProcessorFault? fault, GcFigures gc = default, Func<string, int>? agentRestarts = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(latency);
        EngineCounters c = engine.Counters;
        var rejects = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (RejectReason reason in Enum.GetValues<RejectReason>())
        {
            long count = c.Rejects(reason);
            if (count > 0)
            {
                rejects[reason.ToString()] = count;
            }
        }

        var orders = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (OrderStatus status in new[] { OrderStatus.Filled, OrderStatus.Canceled, OrderStatus.Rejected, OrderStatus.Expired })
        {
            long count = c.OrdersFinished(status);
            if (count > 0)
            {
                orders[status.ToString()] = count;
            }
        }

        if (engine.Orders.OpenCount > 0)
        {
            orders["Open"] = engine.Orders.OpenCount;
        }

        var positions = new List<PositionReport>();
        for (int s = 0; s < engine.Symbols.Count; s++)
        {
            long qty = engine.Portfolio.Quantity(s);
            long realized = engine.Portfolio.RealizedRaw(s);
            if (qty == 0 && realized == 0)
            {
                continue;
            }

            positions.Add(new PositionReport(
                engine.Symbols.GetName(s),
                engine.Portfolio.Units.ToDecimal(s, qty), // shares (issue 19: a fractional symbol's units as "0.5")
                FixedPoint.ToDecimal(engine.Portfolio.AvgCostRaw(s)),
                FixedPoint.ToDecimal(engine.Market.LastRaw(s)),
                FixedPoint.ToDecimal(engine.Portfolio.UnrealizedRaw(s)),
                FixedPoint.ToDecimal(realized)));
        }

        return new RunReport
        {
            DurationSeconds = Math.Round(duration.TotalSeconds, 3),
            Events = c.Events,
            Ticks = c.TradeTicks + c.QuoteTicks + c.Bars,
            Signals = c.RuleSignals + c.ExternalSignals + c.ProtectiveExits,
            RuleSignals = c.RuleSignals,
            ExternalSignals = c.ExternalSignals,
            ProtectiveExits = c.ProtectiveExits,
            Rejects = rejects,
            Orders = orders,
            OrdersSubmitted = c.OrdersSubmitted,
            Fills = c.Fills,
            PartialFills = c.PartialFills,
            RiskParameterChanges = Volatile.Read(ref c.RiskParameterChanges),
            Positions = positions,
            Cash = FixedPoint.ToDecimal(engine.Portfolio.CashRaw),
            Equity = FixedPoint.ToDecimal(engine.Portfolio.EquityRaw),
            RealizedPnl = FixedPoint.ToDecimal(engine.Portfolio.TotalRealizedRaw),
            UnrealizedPnl = FixedPoint.ToDecimal(engine.Portfolio.TotalUnrealizedRaw),
            Commission = FixedPoint.ToDecimal(engine.Portfolio.CommissionRaw),
            Latency = latency.Summarize(),
            LatencyToGateway = latency.SummarizeToGateway(),
            IllegalReports = c.IllegalReports,
            AuditDropped = engine.Audit.Dropped,
            Gc = gc,
            Fault = fault is null ? null : fault.ProcessorName + " at sequence " + fault.Sequence + ": " + fault.Exception.Message,
            Agents = [.. engine.Agents.Figures(engine.Symbols, engine.AgentKinds).Select(a => a with { Restarts = agentRestarts?.Invoke(a.Name) ?? 0 })],
        };
    }

    /// <summary>The report as indented JSON with snake_case keys.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("duration_s", DurationSeconds);
            w.WriteNumber("events", Events);
            w.WriteNumber("events_per_s", DurationSeconds > 0 ? Math.Round(Events / DurationSeconds, 1) : 0);
            w.WriteNumber("ticks", Ticks);
            w.WriteNumber("signals", Signals);
            w.WriteStartObject("signals_by_origin");
            w.WriteNumber("rule", RuleSignals);
            w.WriteNumber("external", ExternalSignals);
            w.WriteNumber("protective_exit", ProtectiveExits);
            w.WriteEndObject();
            WriteCounts(w, "rejects", Rejects);
            WriteCounts(w, "orders", Orders);
            w.WriteNumber("orders_submitted", OrdersSubmitted);
            w.WriteNumber("fills", Fills);
            w.WriteNumber("partial_fills", PartialFills);
            w.WriteNumber("risk_parameter_changes", RiskParameterChanges);
            w.WriteStartArray("positions");
            foreach (PositionReport p in Positions)
            {
                w.WriteStartObject();
                w.WriteString("symbol", p.Symbol);
                w.WriteNumber("quantity", p.Quantity);
                w.WriteNumber("average_cost", p.AverageCost);
                w.WriteNumber("last_price", p.LastPrice);
                w.WriteNumber("unrealized_pnl", p.UnrealizedPnl);
                w.WriteNumber("realized_pnl", p.RealizedPnl);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("cash", Cash);
            w.WriteNumber("equity", Equity);
            w.WriteNumber("realized_pnl", RealizedPnl);
            w.WriteNumber("unrealized_pnl", UnrealizedPnl);
            w.WriteNumber("commission", Commission);
            WriteLatency(w, "latency_us", Latency);
            WriteLatency(w, "latency_to_gateway_us", LatencyToGateway);
            w.WriteStartArray("agents");
            foreach (AgentFigures agent in Agents)
            {
                agent.WriteJson(w);
            }

            w.WriteEndArray();
            w.WriteNumber("illegal_reports", IllegalReports);
            w.WriteNumber("audit_dropped", AuditDropped);
            w.WriteStartObject("gc");
            w.WriteNumber("warmup_s", Gc.WarmupSeconds);
            w.WriteNumber("measured_s", Math.Round(Gc.MeasuredSeconds, 3));
            w.WriteNumber("gen0", Gc.Gen0);
            w.WriteNumber("gen1", Gc.Gen1);
            w.WriteNumber("gen2", Gc.Gen2);
            w.WriteNumber("allocated_bytes", Gc.AllocatedBytes);
            w.WriteNumber("pause_ms", Math.Round(Gc.PauseMs, 3));
            w.WriteEndObject();
            if (Fault is not null)
            {
                w.WriteString("fault", Fault);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteLatency(Utf8JsonWriter w, string name, LatencySummary latency)
    {
        w.WriteStartObject(name);
        w.WriteNumber("count", latency.Count);
        w.WriteNumber("p50", Math.Round(latency.P50Us, 2));
        w.WriteNumber("p99", Math.Round(latency.P99Us, 2));
        w.WriteNumber("p999", Math.Round(latency.P999Us, 2));
        w.WriteNumber("max", Math.Round(latency.MaxUs, 2));
        w.WriteEndObject();
    }

    private static void WriteCounts(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, long> counts)
    {
        w.WriteStartObject(name);
        foreach (KeyValuePair<string, long> pair in counts)
        {
            w.WriteNumber(pair.Key, pair.Value);
        }

        w.WriteEndObject();
    }
}
