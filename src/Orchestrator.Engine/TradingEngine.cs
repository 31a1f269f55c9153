using System.Diagnostics;
using Disruptor;
using Disruptor.Dsl;
using Orchestrator.Core;
using Orchestrator.Core.Calendars;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Handlers;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Ring;
using Orchestrator.Engine.Snapshots;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Strategies;

namespace Orchestrator.Engine;

/// <summary>
/// The fast path, wired in one place:
/// <code>
///  feeds, agents, broker, operator
///        │ publish (multi-producer)
///        ▼
///  inbound ring ─▶ SignalEngine ─▶ RiskManager ─▶ PositionSizing ─▶ OrderManager ─▶ outbound ring ─▶ gateway
///        ▲                                                                                          │
///        └──────────────────────────── execution reports ◀──────────────────────────────────────────┘
/// </code>
/// Both rings are Disruptor-net value rings (<see cref="RingPipeline{T}"/> adds named threads,
/// pinning, the fault policy and drain). By default the four stages share one thread (a 2-core
/// machine has no core to spare per stage) as one <see cref="TradingStages"/> handler;
/// <see cref="EngineOptions.Pipelined"/> gives the signal engine a thread of its own. Audit
/// records leave through a side ring to a sleeping audit thread. Every claim is published, also
/// when filling the slot throws (<see cref="RingPublisher"/>).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The journal writer is disposed by Shutdown, the engine's end of life, after its handler's final flush.")]
public sealed class TradingEngine
{
    private readonly RingPipeline<EngineEvent> _inbound;
    private readonly RingPipeline<OrderCommand> _outbound;
    private readonly RingStage<EngineEvent> _tradingStages;
    private readonly long _clockAnchorUtcNs;
    private readonly long _clockAnchorTimestamp;
    private bool _gatewayConnected;
    private bool _started;

    public TradingEngine(EngineOptions options, IAuditWriter auditWriter, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        EngineSources.InternInto(Sources); // before anything else interns: their ids are constants
        TimeProvider clock = time ?? TimeProvider.System;
        _clockAnchorTimestamp = Stopwatch.GetTimestamp();
        _clockAnchorUtcNs = (clock.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        Symbols = new SymbolTable(options.Symbols);
        Instruments = new InstrumentTable(Symbols, options.Instruments, options.DefaultVenue, options.VenueHeldGroups);
        Venues = new VenueMap(Instruments);
        if (options.JournalDirectory is { } unitsJournal)
        {
            Journal.JournalQuantityDecimals.Resolve(unitsJournal, Symbols, Instruments.Units); // refuses a unit that would reinterpret recorded quantities
        }

        // With a journal, the calendars setting its first session recorded: replay must decide as that session did.
        bool calendars = options.JournalDirectory is { } pinned ? Journal.JournalCalendars.Resolve(pinned, options.UseExchangeCalendars) : options.UseExchangeCalendars;
        Calendars = calendars ? ExchangeCalendars.BySymbol(Instruments) : null;
        Market = new MarketState(Symbols.Count);
        // With a journal, the cash its first session started from: replay must decide as that session did.
        decimal startingCash = options.JournalDirectory is { } journal ? Journal.JournalStartingCash.Resolve(journal, options.StartingCash) : options.StartingCash;
        var currencies = new Currencies(options.BaseCurrency, options.FxRates, Instruments);
        Portfolio = new Portfolio(Market, FixedPoint.FromDecimal(startingCash), currencies, StartingCashByCurrency(options, currencies), Instruments.Units);
        // With a journal, the id base its first session recorded: recovery must rebuild the same ids.
        long orderIdBase = options.JournalDirectory is { } journalIds ? Journal.JournalOrderIdBase.Resolve(journalIds, options.OrderIdBase) : options.OrderIdBase;
        Orders = new OrderStore(options.OrderCapacity, orderIdBase, Symbols.Count);
        Counters = new EngineCounters();
        Audit = new AuditTrail(new AuditFormatter(Symbols, Sources, Reasons, options.CurrencySymbol) { Units = Instruments.Units, Instruments = Instruments }, auditWriter);

        _outbound = new RingPipeline<OrderCommand>(new RingOptions
        {
            BufferSize = options.OutboundBufferSize,
            ProducerType = ProducerType.Single, // the order manager is the only producer
            WaitStrategy = options.GatewayWaitStrategy ?? options.WaitStrategy,
            ThreadNamePrefix = "gateway",
        });
        _inbound = new RingPipeline<EngineEvent>(new RingOptions
        {
            BufferSize = options.InboundBufferSize,
            ProducerType = ProducerType.Multi,
            WaitStrategy = options.WaitStrategy,
            ThreadNamePrefix = "engine",
        });

        Agents = new AgentBook(Sources, Market) { Units = Instruments.Units };
        var agentLimits = new AgentLimitTable(options.AgentLimits, Sources, Symbols);
        var consolidator = new SignalConsolidator(options.Consolidation, Symbols, Sources, Audit);
        Consolidation = consolidator.Any ? consolidator : null;
        SignalEngine = new SignalEngineHandler(options, Market, Portfolio, Orders, Audit, Counters, RiskParameterMailbox) { Sources = Sources, Calendars = Calendars };
        Risk = new RiskManagerHandler(options.Risk, Symbols, Market, Portfolio, Orders, Audit, Counters, RiskParameterMailbox, agentLimits, Agents, Consolidation) { Calendars = Calendars, Unrouted = RiskManagerHandler.UnroutedSymbols(Instruments), Venues = Venues };
        Sizing = new PositionSizingHandler(options.Sizing, options.Risk.AllowShortSelling, options.CommissionEstimateBps, Market, Portfolio, Orders, Audit, Counters, RiskParameterMailbox);
        Sizing.Shorts = new ShortRules(Symbols, options.Instruments, Instruments.Units, options.VenueBorrow);
        if (agentLimits.Any)
        {
            Sizing.AgentLimits = agentLimits;
            Sizing.Agents = Agents;
        }

        OrderManager = new OrderManagerHandler(_outbound.RingBuffer, Orders, Portfolio, Audit, Counters, Agents);
        OrderManager.UseInstruments(Instruments); // which symbols' venues hold brackets, trailing stops, amends natively (issue 19)
        OrderManager.Calendars = Calendars; // when a held day stop expires (issue 19)
        Strategies = options.Strategies.Count > 0 ? new StrategyHost(this, options.Strategies) : null;
        foreach (global::Orchestrator.Strategies.StrategyRegistration strategy in options.Strategies)
        {
            AgentKinds.Register(strategy.Name, AgentKinds.Strategy); // the run report's agents[].kind
        }

        Snapshot = new EngineSnapshot(Symbols.Count, Math.Min(options.OrderCapacity, Math.Max(options.Risk.MaxOpenOrders * 4, 256)), Portfolio.Currencies.Count); // open orders are capped by risk; room for live raises
        OrderManager.SnapshotWriter = ts => Snapshot.Write(Portfolio, Market, Orders, Risk.KillSwitchEngaged, ts);

        SnapshotLayout = MeasureLayout();
        Journal.JournalHandler? inlineJournal = null;
        RingStage<EngineEvent>? journaled = null;
        if (options.JournalDirectory is { } journalDirectory)
        {
            Recovery = Recover(journalDirectory);
            long nextSequence = Recovery?.NextSequence ?? 0;

            _journalWriter = new Journal.JournalWriter(journalDirectory, options.Journal, Symbols.Names);
            JournalHandler = new Journal.JournalHandler(_journalWriter, options.Journal, Sources, Reasons, nextSequence, RiskParameterMailbox);
            Checkpoints = new CheckpointCoordinator(journalDirectory, SnapshotLayout, nextSequence);
            SignalEngine.Checkpoints = Checkpoints;
            Risk.Checkpoints = Checkpoints;
            Sizing.Checkpoints = Checkpoints;
            OrderManager.Checkpoints = Checkpoints;
            if (options.Journal.EffectivePlacement == Journal.JournalPlacement.Inline)
            {
                // On the order manager's thread, ahead of it; it writes what is pending before any release.
                OrderManager.InlineJournal = JournalHandler;
                inlineJournal = JournalHandler;
            }
            else
            {
                journaled = _inbound.HandleEventsWith(JournalHandler); // a thread of its own, gating everything after it
            }
        }

        // Risk, sizing and the order manager share the portfolio and order table: always one thread.
        // The signal engine joins them unless pipelined; an inline journal goes first.
        RingStage<EngineEvent>? signals = null;
        if (options.Pipelined)
        {
            signals = journaled is null ? _inbound.HandleEventsWith(SignalEngine) : journaled.Then(SignalEngine);
        }

        var trading = new TradingStages(inlineJournal, options.Pipelined ? null : SignalEngine, Risk, Sizing, OrderManager, Strategies);
        RingStage<EngineEvent> last = (signals ?? journaled)?.Then(trading) ?? _inbound.HandleEventsWith(trading);
        _tradingStages = last;
        if (options.CpuCores.Count > 0)
        {
            if (signals is not null)
            {
                signals.PinTo(options.CpuCores[0]);
                if (options.CpuCores.Count > 1)
                {
                    last.PinTo(options.CpuCores[1]);
                }
            }
            else
            {
                last.PinTo(options.CpuCores[0]);
            }
        }

        _inbound.ProcessorFaulted += fault => Faulted?.Invoke(fault);
        _outbound.ProcessorFaulted += fault => Faulted?.Invoke(fault);
    }

    public EngineOptions Options { get; }

    /// <summary>The journal stage, when <see cref="EngineOptions.JournalDirectory"/> is set.</summary>
    public Journal.JournalHandler? JournalHandler { get; }

    /// <summary>
    /// What start-up rebuilt from an existing journal and snapshots (null = none): which snapshot
    /// it started from (<see cref="Journal.JournalReplay.Snapshot"/>), the snapshots it refused and
    /// why, and the events replayed after it.
    /// </summary>
    public Journal.JournalReplay? Recovery { get; }

    /// <summary>What start-up cut from a journal torn by a crash (null = it was clean, or no journal).</summary>
    public Journal.JournalTornTail? JournalTornTail { get; private set; }

    private readonly Journal.JournalWriter? _journalWriter;

    /// <summary>Takes snapshots on Checkpoint commands, when <see cref="EngineOptions.JournalDirectory"/> is set (null otherwise).</summary>
    public CheckpointCoordinator? Checkpoints { get; }

    /// <summary>Where each stage's state goes in a snapshot, and the configuration facts that fix it.</summary>
    public SnapshotLayout SnapshotLayout { get; }

    public SymbolTable Symbols { get; }

    /// <summary>Exchange, currency, venue and short rules per symbol id (issue 19).</summary>
    public InstrumentTable Instruments { get; }

    /// <summary>The venues of <see cref="Instruments"/> as dense ids: the argument of <see cref="CommandKind.PauseVenue"/>/<see cref="CommandKind.ResumeVenue"/>.</summary>
    public VenueMap Venues { get; }

    /// <summary>
    /// The exchange calendar of each symbol id when <see cref="EngineOptions.UseExchangeCalendars"/> is on
    /// (null for a symbol whose exchange has none); null when sessions follow the UTC rules.
    /// </summary>
    public ExchangeCalendar?[]? Calendars { get; }

    /// <summary>
    /// Names of signal sources (agents, strategies), interned at the edge; the engine's own sources
    /// (<see cref="EngineSources"/>: rules, exits, operator) are ids 1 to 3. Names are matched without
    /// regard to case (issue 18: agent names are case-insensitive everywhere), so a <c>consolidation</c>
    /// weight or veto source and an <c>agents.limits</c> key find the agent however either is written.
    /// </summary>
    public TextInterner Sources { get; } = new(ignoreCase: true);

    /// <summary>Free-text signal reasons, interned at the edge.</summary>
    public TextInterner Reasons { get; } = new();

    public MarketState Market { get; }

    public Portfolio Portfolio { get; }

    public OrderStore Orders { get; }

    /// <summary>
    /// Accountability per signal source (agents, strategies, "rules", "exits", "operator"): signals,
    /// orders, fills, rejects by reason, own positions and P&amp;L. Written by the trading thread;
    /// the slow path reads it with <see cref="AgentBook.Read"/>.
    /// </summary>
    public AgentBook Agents { get; }

    /// <summary>The kind of each source the book names (strategy, external, llm, rules, exits, operator, gateway), for reports.</summary>
    public AgentKinds AgentKinds { get; } = new();

    public EngineCounters Counters { get; }

    public AuditTrail Audit { get; }

    public SignalEngineHandler SignalEngine { get; }

    /// <summary>
    /// The consolidation of outside signals before risk (<see cref="EngineOptions.Consolidation"/>);
    /// null when no group consolidates. Its counts are read by the slow path.
    /// </summary>
    public SignalConsolidator? Consolidation { get; }

    public RiskManagerHandler Risk { get; }

    public PositionSizingHandler Sizing { get; }

    public OrderManagerHandler OrderManager { get; }

    /// <summary>The in-process strategies (<see cref="EngineOptions.Strategies"/>); null when there are none.</summary>
    public StrategyHost? Strategies { get; }

    /// <summary>The picture of the account the slow path reads; refreshed by <see cref="RequestSnapshot"/>.</summary>
    public EngineSnapshot Snapshot { get; }

    /// <summary>
    /// Runs one event through the trading handlers in their live order on the caller's thread,
    /// for an engine whose threads are not started: backtests, journal recovery and replay, tests.
    /// The strategy host runs last, every strategy inline (slow-path ones too; in a journal replay their submits are suppressed).
    /// </summary>
    public void ProcessInline(ref EngineEvent e, long sequence)
    {
        SignalEngine.OnEvent(ref e, sequence, true);
        Risk.OnEvent(ref e, sequence, true);
        Sizing.OnEvent(ref e, sequence, true);
        OrderManager.OnEvent(ref e, sequence, true);
        Strategies?.OnEventInline(ref e);
    }

    /// <summary>
    /// A market event a single-thread backtest shows the engine before the first event it trades on (its warm-up,
    /// <c>BacktestOptions.WarmUpFromNs</c>): the signal engine updates the market state, indicators, bars and the rules'
    /// state but makes no rule signal (<see cref="SignalEngineHandler.Warming"/>); risk, sizing and the order manager see
    /// it with no intent (marks, day roll). In-process strategies do not see it: they start at the first traded event.
    /// Not the live path; allocates nothing.
    /// </summary>
    public void WarmUpInline(ref EngineEvent e, long sequence)
    {
        SignalEngine.Warming = true;
        try
        {
            SignalEngine.OnEvent(ref e, sequence, true);
        }
        finally
        {
            SignalEngine.Warming = false;
        }

        Risk.OnEvent(ref e, sequence, true);
        Sizing.OnEvent(ref e, sequence, true);
        OrderManager.OnEvent(ref e, sequence, true);
    }

    /// <summary>
    /// Asks every stage to write its state, as it is after this command, for a snapshot file in the
    /// journal directory (slow path; journaled like every command). Without a journal it does nothing.
    /// The fast path never waits for the file: a checkpoint is skipped (and counted) while the
    /// previous snapshots are still being written.
    /// </summary>
    public void RequestCheckpoint(long tsEventNs) => PublishCommand(CommandKind.Checkpoint, 0, tsEventNs);

    /// <summary>
    /// The engine's whole state as a snapshot body (<see cref="SnapshotLayout"/>), written on the
    /// caller's thread: for an engine that is not running or is quiet (tests compare engines by it).
    /// </summary>
    public byte[] CaptureState()
    {
        byte[] body = new byte[SnapshotLayout.BodyBytes];
        SnapshotLayout layout = SnapshotLayout;
        var writer = new StateWriter(body.AsSpan(layout.RangeOf(SnapshotSection.SignalEngine)));
        SignalEngine.WriteState(ref writer);
        writer = new StateWriter(body.AsSpan(layout.RangeOf(SnapshotSection.Risk)));
        Risk.WriteState(ref writer);
        writer = new StateWriter(body.AsSpan(layout.RangeOf(SnapshotSection.Sizing)));
        Sizing.WriteState(ref writer);
        writer = new StateWriter(body.AsSpan(layout.RangeOf(SnapshotSection.OrderManager)));
        OrderManager.WriteState(ref writer);
        return body;
    }

    /// <summary>Asks the trading thread to refresh <see cref="Snapshot"/> between two events.</summary>
    public void RequestSnapshot(long tsEventNs) => PublishCommand(CommandKind.PublishSnapshot, 0, tsEventNs);

    /// <summary>Validated risk parameters on their way to the stages (see <see cref="UpdateRiskParameters"/>).</summary>
    public ParameterMailbox<RiskParameters> RiskParameterMailbox { get; } = new();

    public ValueRingBuffer<EngineEvent> Inbound => _inbound.RingBuffer;

    public ValueRingBuffer<OrderCommand> Outbound => _outbound.RingBuffer;

    /// <summary>A pipeline stage halted on a handler failure: the engine is stopped, better than mispriced.</summary>
    public event Action<ProcessorFault>? Faulted;

    /// <summary>Wires the broker gateway as the outbound ring's consumer. Call once, before <see cref="Start"/>.</summary>
    public void ConnectGateway(IValueEventHandler<OrderCommand> gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        if (_gatewayConnected)
        {
            throw new InvalidOperationException("A gateway is already connected.");
        }

        _outbound.HandleEventsWith(gateway);
        _gatewayConnected = true;
    }

    /// <summary>
    /// Attaches a consumer that sees every inbound event AFTER the trading stages decided it: for a
    /// trade signal, <see cref="EngineEvent.Reject"/> (None = passed) and
    /// <see cref="EngineEvent.ClientOrderId"/> (0 = no order) are final. It runs on its own
    /// processor thread in sequence order and gates the ring like every stage (the ring cannot
    /// wrap past it), so it must never block: it may only hand the outcome on without allocation
    /// or locks (the signal gateway's acks use it). Call before <see cref="Start"/>.
    /// </summary>
    public void AttachSignalOutcomeConsumer(IValueEventHandler<EngineEvent> consumer)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        if (_started)
        {
            throw new InvalidOperationException("Attach outcome consumers before starting the engine.");
        }

        _tradingStages.Then(consumer);
    }

    /// <summary>
    /// For the one outcome consumer that follows orders (the agent feed): from now on the order manager also tells
    /// the orders it ends with no venue report — a held stop expired at its close or canceled (by its source,
    /// cancel-all, the kill switch, flatten) — in this one-to-one ring, each under its event's sequence (issue 19).
    /// Call before <see cref="Start"/>, once.
    /// </summary>
    public EngineEndedOrders FollowEndedOrders()
    {
        if (_started || OrderManager.EndedOrders is not null)
        {
            throw new InvalidOperationException("Follow the engine's ended orders once, before starting the engine.");
        }

        OrderManager.EndedOrders = new EngineEndedOrders();
        return OrderManager.EndedOrders;
    }

    public void Start()
    {
        if (!_gatewayConnected)
        {
            throw new InvalidOperationException("Connect a broker gateway before starting the engine.");
        }

        _started = true;

        Audit.Start();
        Checkpoints?.Start();
        Strategies?.Start();
        _outbound.Start();
        _inbound.Start();
    }

    /// <summary>
    /// Waits until nothing is in flight: the inbound ring drained, the outbound ring drained, every
    /// slow-path strategy's queue handled (its callbacks returned, their signals published), and no
    /// new inbound work arrived meanwhile (orders beget reports, reports may beget orders, a slow-path
    /// strategy's callbacks may beget signals).
    /// </summary>
    /// <remarks>
    /// The order of the checks matters: the trading thread queues a strategy's callback before the
    /// inbound ring counts the event handled, so the queues are read after the ring; the worker
    /// publishes a signal before it marks the callback handled, so the cursor read last sees it.
    /// </remarks>
    public bool WaitUntilQuiet(TimeSpan timeout)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var spinner = default(SpinWait);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            long inboundCursor = Inbound.Cursor;
            if (!_inbound.HasBacklog() && !_outbound.HasBacklog() && (Strategies is null || Strategies.SlowQueuesEmpty) && Inbound.Cursor == inboundCursor)
            {
                return true;
            }

            spinner.SpinOnce(RingPipeline<EngineEvent>.SlowPathSleepThreshold); // slow path: a few spins, then 1 ms sleeps between checks
        }

        return false;
    }

    /// <summary>Drains and stops the pipeline, the gateway and the audit thread, in that order.</summary>
    public ShutdownResult Shutdown(TimeSpan timeout)
    {
        WaitUntilQuiet(timeout);
        ShutdownResult inbound = _inbound.Shutdown(timeout);
        Strategies?.Stop(timeout); // after the ring: nothing more is queued for slow-path strategies
        ShutdownResult outbound = _outbound.Shutdown(timeout);
        ShutdownResult audit = Audit.Shutdown(timeout);
        Checkpoints?.Stop(timeout); // writes a snapshot still in hand
        _journalWriter?.Dispose(); // the handler flushed and synced at the inbound shutdown
        return inbound != ShutdownResult.Drained ? inbound : outbound != ShutdownResult.Drained ? outbound : audit;
    }

    /// <summary>Publishes a market-data update (waits while the ring is full: back-pressure on the feed).</summary>
    public void PublishMarketData(in MarketTick tick) => Publish(new MarketDataWriter(tick));

    /// <summary>Publishes an execution report from the broker gateway.</summary>
    public void PublishExecutionReport(in ExecutionReport report) => Publish(new ExecutionReportWriter(report));

    /// <summary>Publishes a trade signal; returns its sequence, or -1 if the ring is full and <paramref name="wait"/> is false.</summary>
    public long PublishSignal(int symbolId, Side side, int confidencePpm, long priceRaw, long signalId, string? source, string? reason, long tsEventNs, bool wait = true) =>
        PublishSignal(symbolId, side, confidencePpm, new SignalIntent { LimitRaw = priceRaw }, signalId, source, reason, tsEventNs, wait);

    /// <summary>
    /// Publishes a trade signal with its order intent (type, prices, time in force, quantity cap);
    /// returns its sequence, or -1 if the ring is full and <paramref name="wait"/> is false.
    /// </summary>
    public long PublishSignal(int symbolId, Side side, int confidencePpm, in SignalIntent intent, long signalId, string? source, string? reason, long tsEventNs, bool wait = true)
    {
        // Interned before the claim: nothing that can fail runs while a slot is held.
        var writer = new SignalWriter(symbolId, side, confidencePpm, intent, signalId, Sources.Intern(source), Reasons.Intern(reason), tsEventNs);
        return Publish(writer, wait);
    }

    /// <summary>
    /// Publishes a trade signal whose source and reason are already interned (<see cref="Sources"/>,
    /// <see cref="Reasons"/>) without waiting: returns its sequence, or -1 when the ring is full.
    /// Allocation-free, for edges that parse straight into ids (the signal gateway).
    /// </summary>
    public long TryPublishSignal(int symbolId, Side side, int confidencePpm, long priceRaw, long signalId, int sourceId, int reasonId, long tsEventNs) =>
        TryPublishSignal(symbolId, side, confidencePpm, new SignalIntent { LimitRaw = priceRaw }, signalId, sourceId, reasonId, tsEventNs);

    /// <summary>As <see cref="TryPublishSignal(int, Side, int, long, long, int, int, long)"/>, with the signal's order intent.</summary>
    public long TryPublishSignal(int symbolId, Side side, int confidencePpm, in SignalIntent intent, long signalId, int sourceId, int reasonId, long tsEventNs) =>
        Publish(new SignalWriter(symbolId, side, confidencePpm, intent, signalId, sourceId, reasonId, tsEventNs), wait: false);

    /// <summary>Publishes an operator or system command; it takes effect between two events.</summary>
    public void PublishCommand(CommandKind command, long argument, long tsEventNs) => Publish(new CommandWriter(command, argument, tsEventNs, -1));

    /// <summary>
    /// Publishes a command about one symbol (e.g. <see cref="CommandKind.AdjustCurrencyCash"/>: the currency
    /// <paramref name="symbolId"/> is kept in), journaled like every input. A symbol id the engine does not have
    /// is refused before anything is published: a journal holding it would not replay.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="symbolId"/> is not one of <see cref="Symbols"/>.</exception>
    public void PublishCommand(CommandKind command, long argument, long tsEventNs, int symbolId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(symbolId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(symbolId, Symbols.Count);
        Publish(new CommandWriter(command, argument, tsEventNs, symbolId));
    }

    /// <summary>
    /// Claims an inbound slot (waiting while the ring is full, or -1 at once when <paramref name="wait"/>
    /// is false), lets <paramref name="writer"/> fill it, stamps it and publishes it. If the writer
    /// throws, the slot is published as the no-op <see cref="EventKind.None"/> event every stage
    /// ignores, and the exception goes on to the caller (<see cref="RingPublisher"/>).
    /// </summary>
    internal long Publish<TWriter>(in TWriter writer, bool wait = true)
        where TWriter : struct, ISlotWriter<EngineEvent>
    {
        var stamped = new StampedWriter<TWriter>(this, writer);
        return wait ? RingPublisher.Publish(Inbound, in stamped) : RingPublisher.TryPublish(Inbound, in stamped);
    }

    /// <summary>
    /// Replaces limits, sizing and exits while running: staged, then published as a command so
    /// it takes effect between two events, atomically for every stage, in order with all other
    /// input. The caller validates first (configuration rules). Returns the version;
    /// <see cref="ParameterMailbox{T}.AppliedVersion"/> of <see cref="RiskParameterMailbox"/> reaches
    /// it once every stage has it in force. Safe from any number of threads: versions enter the ring
    /// in order, none is overwritten before it is applied (with <see cref="ParameterMailbox{T}.Capacity"/>
    /// changes in flight this waits for the engine, like a publish into a full ring).
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled while waiting; the change was not staged.</exception>
    public long UpdateRiskParameters(RiskParameters parameters, long tsEventNs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (JournalHandler is not null && !Journal.JournalRiskCodec.Fits(parameters))
        {
            throw new ArgumentException($"The change cannot be journaled: an allowed_symbols name is longer than {Journal.JournalRiskCodec.MaxSymbolBytes} UTF-8 bytes.", nameof(parameters));
        }

        return RiskParameterMailbox.Stage(
            parameters,
            (Engine: this, TsEventNs: tsEventNs),
            static (s, version) => s.Engine.PublishCommand(CommandKind.ApplyRiskParameters, version, s.TsEventNs),
            cancellationToken);
    }

    /// <summary>
    /// Recovery at start-up: the newest snapshot that is whole and made with this configuration (a
    /// corrupt or foreign one is refused with its reason, and the next older one tried), then the
    /// torn tail cut and the journal after the snapshot replayed through these same handlers (orders
    /// not resent, audit muted); without a usable snapshot the whole journal is replayed.
    /// </summary>
    private Journal.JournalReplay? Recover(string directory)
    {
        var refused = new List<SnapshotRefusal>();
        SnapshotInfo? used = null;
        foreach (string path in SnapshotFile.List(directory))
        {
            if (Strategies is not null)
            {
                // Strategy state is not in snapshots: only a replay from the journal's start rebuilds it.
                refused.Add(new SnapshotRefusal(path, "in-process strategies are configured; their state is rebuilt by replaying the whole journal"));
                continue;
            }

            byte[]? body = SnapshotFile.TryRead(path, SnapshotLayout, out SnapshotInfo? info, out string? reason);
            if (body is null)
            {
                refused.Add(new SnapshotRefusal(path, reason!));
                continue;
            }

            RestoreState(body);
            used = info;
            break;
        }

        long covered = used?.CoveredSequence ?? -1;

        // A record torn by a crash is cut (only the last segment can be torn: the covered ones are not read).
        JournalTornTail = Journal.JournalReader.TruncateTornTail(directory, covered);
        if (Journal.JournalReader.ListSegments(directory).Length == 0 && used is null)
        {
            return refused.Count == 0 ? null : new Journal.JournalReplay(this, new Dictionary<EventKind, long>(), 0, -1, -1, 0, 0, null) { SnapshotsRefused = refused };
        }

        return Journal.JournalReplayer.ReplayInto(this, directory, covered) with { Snapshot = used, SnapshotsRefused = refused };
    }

    /// <summary>Restores every stage from a snapshot body (recovery, before any event; tests restore captured state with it).</summary>
    internal void RestoreState(ReadOnlySpan<byte> body)
    {
        SnapshotLayout layout = SnapshotLayout;
        var reader = new StateReader(body[layout.RangeOf(SnapshotSection.SignalEngine)]);
        SignalEngine.ReadState(ref reader);
        reader = new StateReader(body[layout.RangeOf(SnapshotSection.Risk)]);
        Risk.ReadState(ref reader);
        reader = new StateReader(body[layout.RangeOf(SnapshotSection.Sizing)]);
        Sizing.ReadState(ref reader);
        reader = new StateReader(body[layout.RangeOf(SnapshotSection.OrderManager)]);
        OrderManager.ReadState(ref reader);
        Orders.MapSources(SignalEngine.RestoredSourceMap!); // the snapshot's source ids are another process's
        Consolidation?.MapSources(SignalEngine.RestoredSourceMap!);
        RiskParameterMailbox.AdvancePast(Risk.AppliedParametersVersion);
    }

    /// <summary>The configured starting cash of the non-base currencies, by currency id (index 0, the base, is 0 here).</summary>
    private static long[] StartingCashByCurrency(EngineOptions options, Currencies currencies)
    {
        var cash = new long[currencies.Count];
        foreach ((string code, decimal amount) in options.StartingCashByCurrency ?? System.Collections.ObjectModel.ReadOnlyDictionary<string, decimal>.Empty)
        {
            if (currencies.IdOf(code) is > Currencies.Base and int id)
            {
                cash[id] = FixedPoint.FromDecimal(amount);
            }
        }

        return cash;
    }

    private SnapshotLayout MeasureLayout()
    {
        StateWriter signal = StateWriter.Counting(), risk = StateWriter.Counting(), sizing = StateWriter.Counting(), orders = StateWriter.Counting();
        SignalEngine.WriteState(ref signal);
        Risk.WriteState(ref risk);
        Sizing.WriteState(ref sizing);
        OrderManager.WriteState(ref orders);
        const int RuleTimeframeFact = 0x54462020; // "TF  "
        Indicators.IndicatorSettings i = SignalEngine.IndicatorSettings;
        int[] facts =
        [
            i.SmaPeriod, i.EmaFastPeriod, i.EmaSlowPeriod, i.RsiPeriod, i.MacdFastPeriod, i.MacdSlowPeriod, i.MacdSignalPeriod, i.AtrPeriod, i.BollingerPeriod,
            SignalEngine.HasMomentumRule ? 1 : 0, SignalEngine.HasRsiRule ? 1 : 0,
            System.Runtime.CompilerServices.Unsafe.SizeOf<OrderRecord>(), // the order table is a memory image: bump SnapshotFile.Version if OrderRecord's fields change
        ];
        if (Consolidation is not null)
        {
            facts = [.. facts, Consolidation.Fingerprint()]; // only with consolidation: snapshots taken without it keep their layout
        }

        if (SignalEngine.RuleTimeframe is { } ruleTimeframe)
        {
            // Only with a rules timeframe (its bars and indicators are in the snapshot): others keep their layout. Tagged, so it never reads as another optional fact.
            facts = [.. facts, RuleTimeframeFact, (int)(ruleTimeframe.DurationNs / 1_000_000_000)];
        }

        if (SignalEngine.RulesSplit)
        {
            // Only when RSI reversion's bars differ from momentum's (its own lane is in the snapshot; 0 = every update).
            const int RsiTimeframeFact = 0x54465253; // "TFRS"
            facts = [.. facts, RsiTimeframeFact, (int)((SignalEngine.RsiRuleTimeframe?.DurationNs ?? 0) / 1_000_000_000)];
        }

        return new SnapshotLayout(Symbols.Names, Orders.Capacity, Orders.IdBase, facts, signal.Position, risk.Position, sizing.Position, orders.Position);
    }

    /// <summary>
    /// The edge's wall clock, for <see cref="EngineEvent.TsInitNs"/> (never read by a handler): the
    /// monotonic clock read once (<paramref name="timestamp"/>, a <see cref="Stopwatch"/> timestamp)
    /// placed on the wall-clock time read once when the engine was built. It does not follow
    /// wall-clock steps after that; the event's own time is <see cref="EngineEvent.TsEventNs"/>.
    /// </summary>
    public long NowNs(long timestamp)
    {
        long elapsed = timestamp - _clockAnchorTimestamp;
        long seconds = Math.DivRem(elapsed, Stopwatch.Frequency, out long remainder);
        return _clockAnchorUtcNs + (seconds * 1_000_000_000) + (remainder * 1_000_000_000 / Stopwatch.Frequency);
    }

    /// <summary>The edge's wall clock now (see <see cref="NowNs(long)"/>).</summary>
    public long NowNs() => NowNs(Stopwatch.GetTimestamp());

    /// <summary>One clock read per publish: the publish timestamp (latency) and the init time both come from it.</summary>
    private void Stamp(ref EngineEvent e)
    {
        long timestamp = Stopwatch.GetTimestamp();
        e.PublishTimestamp = timestamp;
        e.TsInitNs = NowNs(timestamp);
    }

    /// <summary>Fills the slot with <typeparamref name="TWriter"/>, then stamps it.</summary>
    private readonly struct StampedWriter<TWriter>(TradingEngine engine, TWriter writer) : ISlotWriter<EngineEvent>
        where TWriter : struct, ISlotWriter<EngineEvent>
    {
        public void Write(ref EngineEvent slot)
        {
            writer.Write(ref slot);
            engine.Stamp(ref slot);
        }
    }

    private readonly struct MarketDataWriter(MarketTick tick) : ISlotWriter<EngineEvent>
    {
        public void Write(ref EngineEvent slot) => slot.SetMarketData(tick);
    }

    private readonly struct ExecutionReportWriter(ExecutionReport report) : ISlotWriter<EngineEvent>
    {
        public void Write(ref EngineEvent slot) => slot.SetExecutionReport(report);
    }

    private readonly struct SignalWriter(int symbolId, Side side, int confidencePpm, SignalIntent intent, long signalId, int sourceId, int reasonId, long tsEventNs) : ISlotWriter<EngineEvent>
    {
        public void Write(ref EngineEvent slot)
        {
            slot.Clear();
            slot.Kind = EventKind.TradeSignal;
            slot.SymbolId = symbolId;
            slot.SignalSide = side;
            slot.ConfidencePpm = confidencePpm;
            slot.SignalPriceRaw = intent.LimitRaw;
            slot.SignalOrderType = intent.OrderType;
            slot.SignalStopRaw = intent.StopRaw;
            slot.SignalTif = intent.Tif;
            slot.SignalQuantity = intent.Quantity;
            slot.Action = intent.Action;
            slot.TargetOrderId = intent.TargetOrderId;
            slot.Exits = intent.Exits;
            slot.SignalId = signalId;
            slot.SourceId = sourceId;
            slot.ReasonId = reasonId;
            slot.TsEventNs = tsEventNs;
        }
    }

    private readonly struct CommandWriter(CommandKind command, long argument, long tsEventNs, int symbolId) : ISlotWriter<EngineEvent>
    {
        public void Write(ref EngineEvent slot)
        {
            slot.Clear();
            slot.Kind = EventKind.Command;
            slot.SymbolId = symbolId;
            slot.Command = command;
            slot.CommandArg = argument;
            slot.TsEventNs = tsEventNs;
        }
    }
}
