using System.Diagnostics.Metrics;
using System.Text;
using Orchestrator.Adapters.SignalGateway;
using Orchestrator.Adapters.Venues;
using Orchestrator.Adapters.WebSockets;
using Orchestrator.Agents.Health;
using Orchestrator.Core;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine;
using Orchestrator.Engine.Metrics;

namespace Orchestrator.Daemon.Metrics;

/// <summary>
/// The daemon's instruments through <see cref="System.Diagnostics.Metrics"/>, one <see cref="Meter"/>
/// per area (<see cref="EngineMeter"/>, <see cref="FeedsMeter"/>, <see cref="BrokerMeter"/>,
/// <see cref="AgentsMeter"/>, and <see cref="ProcessMeter"/> for GC, memory and CPU), so
/// <c>dotnet-counters monitor -n orchestrator --counters Orchestrator.Engine</c> works as it is.
/// </summary>
/// <remarks>
/// Every instrument is observable: its callback runs on the collector's thread (a scrape of
/// <c>/metrics</c>, dotnet-counters' interval) and reads what the engine already keeps — its
/// single-writer counters (a volatile 64-bit read is whole), the portfolio's and order store's
/// volatile fields, the ring's sequences, the <see cref="LatencyRecorder"/>'s copy under its lock.
/// Nothing is added to the ring handlers. Latency is exported as gauges of the recorder's
/// percentiles since the start (tag <c>quantile</c>), not as a histogram instrument: the
/// recorder already holds the HdrHistogram, and recording each order twice would put work on the
/// gateway thread.
/// </remarks>
public sealed partial class OrchestratorMetrics : IDisposable
{
    public const string EngineMeterName = "Orchestrator.Engine";
    public const string FeedsMeterName = "Orchestrator.Feeds";
    public const string BrokerMeterName = "Orchestrator.Broker";
    public const string AgentsMeterName = "Orchestrator.Agents";
    public const string ProcessMeterName = "Orchestrator.Process";

    private readonly TradingSession _session;
    private readonly HealthMonitor? _health;
    private readonly KeyValuePair<string, object?>[][] _rejectTags;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Tool, string Transport, string Outcome), long> _mcpToolCalls = new();
    private readonly KeyValuePair<string, object?>[][] _gatewayErrorTags;

    /// <summary>Creates the instruments for a started <paramref name="session"/>; <paramref name="health"/> adds the agents' health states.</summary>
    public OrchestratorMetrics(TradingSession session, HealthMonitor? health = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        _session = session;
        _health = health;
        RejectReason[] reasons = Enum.GetValues<RejectReason>();
        _rejectTags = new KeyValuePair<string, object?>[reasons.Length][];
        foreach (RejectReason reason in reasons)
        {
            _rejectTags[(int)reason] = [new("reason", SnakeCase(reason.ToString()))];
        }

        GatewayError[] errors = Enum.GetValues<GatewayError>();
        _gatewayErrorTags = new KeyValuePair<string, object?>[errors.Length][];
        foreach (GatewayError error in errors)
        {
            _gatewayErrorTags[(int)error] = [new("reason", SnakeCase(error.ToString()))];
        }

        EngineMeter = new Meter(EngineMeterName);
        FeedsMeter = new Meter(FeedsMeterName);
        BrokerMeter = new Meter(BrokerMeterName);
        AgentsMeter = new Meter(AgentsMeterName);
        ProcessMeter = new Meter(ProcessMeterName);
        CreateEngineInstruments();
        CreateFeedInstruments();
        CreateBrokerInstruments();
        CreateAgentInstruments();
        CreateProcessInstruments();
        AgentsMeter.CreateObservableCounter("orchestrator.mcp.tool_calls", McpToolCalls, "{call}", "MCP tool calls by tool, transport and outcome (ok, error)");
    }

    /// <summary>Counts one MCP tool call (the MCP server calls it after each, on its request thread; the labels are bounded: known tool names).</summary>
    public void CountMcpToolCall(string tool, string transport, bool ok) =>
        _mcpToolCalls.AddOrUpdate((tool, transport, ok ? "ok" : "error"), 1, (_, count) => count + 1);

    private IEnumerable<Measurement<long>> McpToolCalls() =>
        _mcpToolCalls.Select(c => new Measurement<long>(c.Value, new("tool", c.Key.Tool), new("transport", c.Key.Transport), new("outcome", c.Key.Outcome)));

    public Meter EngineMeter { get; }

    public Meter FeedsMeter { get; }

    public Meter BrokerMeter { get; }

    public Meter AgentsMeter { get; }

    public Meter ProcessMeter { get; }

    /// <summary>All the meters, engine first.</summary>
    public IReadOnlyList<Meter> Meters => [EngineMeter, FeedsMeter, BrokerMeter, AgentsMeter, ProcessMeter];

    private TradingEngine Engine => _session.Engine;

    private void CreateEngineInstruments()
    {
        Meter m = EngineMeter;
        m.CreateObservableCounter("orchestrator.engine.events", () => Volatile.Read(ref Engine.Counters.Events), "{event}", "Events the engine has processed (ticks, signals, reports, commands)");
        m.CreateObservableCounter("orchestrator.engine.ticks", () => Volatile.Read(ref Engine.Counters.TradeTicks) + Volatile.Read(ref Engine.Counters.QuoteTicks), "{tick}", "Market data ticks the engine has processed");
        m.CreateObservableCounter("orchestrator.engine.signals", Signals, "{signal}", "Trade signals by source: rule (built-in rules), external (agents, gateway), protective_exit (stops)");
        m.CreateObservableCounter("orchestrator.engine.rejects", Rejects, "{reject}", "Signals and orders the engine refused, by reason");
        m.CreateObservableCounter("orchestrator.engine.orders", () => Volatile.Read(ref Engine.Counters.OrdersSubmitted), "{order}", "Orders the order manager sent to the broker");
        m.CreateObservableCounter("orchestrator.engine.fills", () => Volatile.Read(ref Engine.Counters.Fills), "{fill}", "Fills applied to the portfolio");
        m.CreateObservableCounter("orchestrator.engine.cancels", () => Volatile.Read(ref Engine.Counters.CancelsSent), "{cancel}", "Cancels the order manager sent");
        m.CreateObservableGauge("orchestrator.engine.open_orders", () => Engine.Orders.OpenCount, "{order}", "Orders open now");
        m.CreateObservableGauge("orchestrator.engine.equity", () => (double)FixedPoint.ToDecimal(Engine.Portfolio.EquityRaw), "{currency}", "Cash plus positions at the last price, every currency at its FX rate, in the base currency");
        m.CreateObservableGauge("orchestrator.engine.cash", () => (double)FixedPoint.ToDecimal(Engine.Portfolio.CashRaw), "{currency}", "Cash, in the base currency");
        m.CreateObservableGauge("orchestrator.engine.currency_cash", CurrencyCash, "{currency}", "Cash per currency, in that currency");
        m.CreateObservableGauge("orchestrator.engine.currency_pnl", CurrencyPnl, "{currency}", "Realized plus unrealized P&L less commission of each currency's symbols, in that currency");
        m.CreateObservableGauge("orchestrator.engine.positions", PositionCount, "{position}", "Symbols with a non-zero position");
        m.CreateObservableGauge("orchestrator.engine.position_quantity", PositionQuantities, "{share}", "Position per symbol (negative = short)");
        m.CreateObservableGauge("orchestrator.engine.kill_switch", () => Engine.Risk.KillSwitchEngaged ? 1 : 0, null, "1 when the kill switch is engaged");
        m.CreateObservableGauge("orchestrator.engine.ring_occupancy", RingOccupancy, "{slot}", "Slots published but not yet consumed by the slowest stage, per ring");
        m.CreateObservableGauge("orchestrator.engine.ring_capacity", RingCapacity, "{slot}", "Slots per ring");
        m.CreateObservableGauge("orchestrator.engine.order_latency", Latency, "us", "Input publication to order hand-off, percentiles since the start (quantile 1 = max)");
        m.CreateObservableCounter("orchestrator.engine.order_latency_samples", () => _session.Latency.Summarize().Count, "{order}", "Orders the latency percentiles are computed over");
        if (_session.SignalGateway is { } gateway)
        {
            CreateGatewayInstruments(m, gateway.Counters);
        }

        if (Engine.Consolidation is { } consolidation)
        {
            m.CreateObservableCounter("orchestrator.engine.consolidation", () => ConsolidationOutcomes(consolidation), "{signal}",
                "Outside signals by what consolidation did (issue 18): decided, held, outvoted, vetoed, veto, contributed, expired, superseded");
        }
    }

    private static IEnumerable<Measurement<long>> ConsolidationOutcomes(Engine.State.SignalConsolidator consolidation)
    {
        foreach (Engine.State.ConsolidationOutcome outcome in Enum.GetValues<Engine.State.ConsolidationOutcome>())
        {
            yield return new(consolidation.Count(outcome), new KeyValuePair<string, object?>("outcome", SnakeCase(outcome.ToString())));
        }
    }

    /// <summary>The TCP signal gateway's counters (read on the collector's thread; the gateway keeps them).</summary>
    private void CreateGatewayInstruments(Meter m, GatewayCounters c)
    {
        m.CreateObservableCounter("orchestrator.gateway.accepted", () => c.Accepted, "{signal}", "Signals the gateway published into the ring");
        m.CreateObservableCounter("orchestrator.gateway.rejected", () => GatewayRejects(c), "{line}", "Lines the gateway refused, by reason");
        m.CreateObservableCounter("orchestrator.gateway.outcomes", () => GatewayOutcomes(c), "{signal}", "Accepted signals by what the engine decided: ordered, risk_rejected, no_order");
        m.CreateObservableCounter("orchestrator.gateway.connections", () => c.ConnectionsOpened, "{connection}", "Connections served since the start");
        m.CreateObservableCounter("orchestrator.gateway.connections_refused", () => c.ConnectionsRefused, "{connection}", "Connections turned away: too many");
        m.CreateObservableGauge("orchestrator.gateway.active_connections", () => c.ActiveConnections, "{connection}", "Connections open now");
        m.CreateObservableCounter("orchestrator.gateway.bytes", () => c.BytesRead, "By", "Bytes read from gateway clients");
        m.CreateObservableCounter("orchestrator.gateway.partial_lines", () => c.PartialLinesDiscarded, "{line}", "Lines cut by a disconnect, discarded");
        m.CreateObservableCounter("orchestrator.gateway.ring_full_waits", () => c.RingFullWaits, "{wait}", "Times a connection stopped reading because the inbound ring was full");
    }

    private IEnumerable<Measurement<long>> GatewayRejects(GatewayCounters c)
    {
        for (int i = 1; i < _gatewayErrorTags.Length; i++) // 0 is None
        {
            yield return new(c.RejectedBy((GatewayError)i), _gatewayErrorTags[i]);
        }
    }

    private static IEnumerable<Measurement<long>> GatewayOutcomes(GatewayCounters c)
    {
        yield return new(c.Ordered, new KeyValuePair<string, object?>("status", "ordered"));
        yield return new(c.RiskRejected, new KeyValuePair<string, object?>("status", "risk_rejected"));
        yield return new(c.NoOrder, new KeyValuePair<string, object?>("status", "no_order"));
    }

    private void CreateFeedInstruments()
    {
        Meter m = FeedsMeter;
        m.CreateObservableCounter("orchestrator.feeds.reconnects", () => PerLink(l => l.Reconnects), "{reconnect}", "Reconnects of each WebSocket link after its first connection");
        m.CreateObservableCounter("orchestrator.feeds.messages", () => PerLink(l => l.Messages), "{message}", "Messages received on each WebSocket link");
        m.CreateObservableGauge("orchestrator.feeds.connected", () => PerLink(l => l.State == ConnectionState.Connected ? 1L : 0L), null, "1 when the link is connected");
        m.CreateObservableGauge("orchestrator.feeds.last_event_time", () => _session.LastEventTimeNs / 1e9, "s", "Event time of the latest market data (Unix seconds)");
    }

    private void CreateBrokerInstruments()
    {
        Meter m = BrokerMeter;
        m.CreateObservableCounter("orchestrator.broker.orders_received", BrokerOrders, "{order}", "Orders the broker gateway took from the outbound ring (paper) or placed at the venue");
        m.CreateObservableCounter("orchestrator.broker.retries", () => Venue(g => g.Retries), "{retry}", "Venue calls retried");
        m.CreateObservableCounter("orchestrator.broker.circuit_openings", () => Venue(g => g.CircuitOpenings), "{opening}", "Times the venue's circuit breaker opened");
        m.CreateObservableCounter("orchestrator.broker.poll_failures", () => Venue(g => g.PollFailures), "{failure}", "Failed reads of the venue's order records");
        m.CreateObservableCounter("orchestrator.broker.rejects", () => Venue(g => g.BrokerRejects), "{reject}", "Orders the venue rejected");
        m.CreateObservableGauge("orchestrator.broker.orders_in_doubt", () => Venue(g => g.UnknownOrders), "{order}", "Orders whose venue state was unknown so far");
    }

    private void CreateAgentInstruments()
    {
        if (_health is null)
        {
            return;
        }

        Meter m = AgentsMeter;
        m.CreateObservableGauge("orchestrator.agents.health_state", HealthStates, null, "Each component's health: 0 healthy, 1 degraded, 2 unhealthy, 3 not checked yet");
        m.CreateObservableGauge("orchestrator.agents.health_overall", () => (int)_health.Current.Overall, null, "The worst component's health (same scale)");
        m.CreateObservableCounter("orchestrator.agents.health_checks", () => _health.Current.Version, "{check}", "Health checks completed");
    }

    private void CreateProcessInstruments()
    {
        Meter m = ProcessMeter;
        m.CreateObservableGauge("orchestrator.process.gc_heap_size", () => GC.GetGCMemoryInfo().HeapSizeBytes, "By", "GC heap size after the last collection");
        m.CreateObservableCounter("orchestrator.process.gc_collections", GcCollections, "{collection}", "Garbage collections by generation");
        m.CreateObservableCounter("orchestrator.process.allocated", () => GC.GetTotalAllocatedBytes(), "By", "Bytes allocated since the start, all threads");
        m.CreateObservableGauge("orchestrator.process.working_set", () => Environment.WorkingSet, "By", "Process working set");
        m.CreateObservableCounter("orchestrator.process.cpu_time", () => Environment.CpuUsage.TotalTime.TotalSeconds, "s", "CPU time used by the process (user + kernel)");
    }

    private IEnumerable<Measurement<long>> Signals()
    {
        EngineCounters c = Engine.Counters;
        yield return new(Volatile.Read(ref c.RuleSignals), new KeyValuePair<string, object?>("source", "rule"));
        yield return new(Volatile.Read(ref c.ExternalSignals), new KeyValuePair<string, object?>("source", "external"));
        yield return new(Volatile.Read(ref c.ProtectiveExits), new KeyValuePair<string, object?>("source", "protective_exit"));
    }

    private IEnumerable<Measurement<long>> Rejects()
    {
        EngineCounters c = Engine.Counters;
        for (int i = 1; i < _rejectTags.Length; i++) // 0 is None
        {
            yield return new(c.Rejects((RejectReason)i), _rejectTags[i]);
        }
    }

    private int PositionCount()
    {
        int count = 0;
        for (int id = 0; id < Engine.Portfolio.SymbolCount; id++)
        {
            count += Engine.Portfolio.Quantity(id) != 0 ? 1 : 0;
        }

        return count;
    }

    private IEnumerable<Measurement<long>> PositionQuantities()
    {
        TradingEngine e = Engine;
        for (int id = 0; id < e.Portfolio.SymbolCount; id++)
        {
            yield return new(e.Portfolio.Quantity(id), new KeyValuePair<string, object?>("symbol", e.Symbols.GetName(id)));
        }
    }

    private IEnumerable<Measurement<double>> CurrencyCash()
    {
        Engine.State.Portfolio p = Engine.Portfolio;
        for (int c = 0; c < p.Currencies.Count; c++)
        {
            yield return new((double)FixedPoint.ToDecimal(p.CashRawOf(c)), new KeyValuePair<string, object?>("currency", p.Currencies.Code(c)));
        }
    }

    private IEnumerable<Measurement<double>> CurrencyPnl()
    {
        Engine.State.Portfolio p = Engine.Portfolio;
        for (int c = 0; c < p.Currencies.Count; c++)
        {
            yield return new((double)FixedPoint.ToDecimal(p.RealizedRawOf(c) + p.UnrealizedRawOf(c) - p.CommissionRawOf(c)), new KeyValuePair<string, object?>("currency", p.Currencies.Code(c)));
        }
    }

    private IEnumerable<Measurement<long>> RingOccupancy()
    {
        // Cursor minus the slowest consumer's sequence: both are volatile reads, so the figure is a
        // moment's estimate; clamped because the two reads are not taken at once.
        TradingEngine e = Engine;
        yield return new(Math.Clamp(e.Inbound.Cursor - e.Inbound.GetMinimumGatingSequence(), 0, e.Inbound.BufferSize), new KeyValuePair<string, object?>("ring", "inbound"));
        yield return new(Math.Clamp(e.Outbound.Cursor - e.Outbound.GetMinimumGatingSequence(), 0, e.Outbound.BufferSize), new KeyValuePair<string, object?>("ring", "outbound"));
    }

    private IEnumerable<Measurement<long>> RingCapacity()
    {
        yield return new(Engine.Inbound.BufferSize, new KeyValuePair<string, object?>("ring", "inbound"));
        yield return new(Engine.Outbound.BufferSize, new KeyValuePair<string, object?>("ring", "outbound"));
    }

    private IEnumerable<Measurement<double>> Latency()
    {
        LatencySummary s = _session.Latency.Summarize();
        yield return new(s.P50Us, new KeyValuePair<string, object?>("quantile", "0.5"));
        yield return new(s.P99Us, new KeyValuePair<string, object?>("quantile", "0.99"));
        yield return new(s.P999Us, new KeyValuePair<string, object?>("quantile", "0.999"));
        yield return new(s.MaxUs, new KeyValuePair<string, object?>("quantile", "1"));
    }

    private List<Measurement<long>> PerLink(Func<WebSocketManager, long> read)
    {
        var measurements = new List<Measurement<long>>();
        foreach (WebSocketManager link in _session.Links)
        {
            measurements.Add(new(read(link), new KeyValuePair<string, object?>("link", link.Name)));
        }

        return measurements;
    }

    private IEnumerable<Measurement<long>> BrokerOrders()
    {
        IReadOnlyList<VenueBrokerGateway> venues = _session.VenueGateways;
        if (venues.Count == 0)
        {
            yield return new(_session.Venue.OrdersReceived, new KeyValuePair<string, object?>("venue", "paper"));
        }

        foreach (VenueBrokerGateway venue in venues)
        {
            yield return new(venue.Placements, new KeyValuePair<string, object?>("venue", venue.VenueName));
        }
    }

    /// <summary>One series per real venue (several in one process: each labelled by its name).</summary>
    private IEnumerable<Measurement<long>> Venue(Func<VenueBrokerGateway, long> read)
    {
        foreach (VenueBrokerGateway venue in _session.VenueGateways)
        {
            yield return new(read(venue), new KeyValuePair<string, object?>("venue", venue.VenueName));
        }
    }

    private IEnumerable<Measurement<int>> HealthStates()
    {
        foreach (ComponentHealth component in _health!.Current.Components)
        {
            yield return new((int)component.State, new KeyValuePair<string, object?>("component", component.Name));
        }
    }

    private static IEnumerable<Measurement<long>> GcCollections()
    {
        for (int generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            yield return new(GC.CollectionCount(generation), new KeyValuePair<string, object?>("generation", "gen" + generation));
        }
    }

    /// <summary>MaxDailyLoss → max_daily_loss.</summary>
    internal static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }

    public void Dispose()
    {
        EngineMeter.Dispose();
        FeedsMeter.Dispose();
        BrokerMeter.Dispose();
        AgentsMeter.Dispose();
        ProcessMeter.Dispose();
    }
}
