using System.Globalization;
using NLog;
using Orchestrator.Adapters.Alpaca;
using Orchestrator.Adapters.Kis;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Adapters.Paper;
using Orchestrator.Adapters.SignalGateway;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Control;
using Orchestrator.Daemon.Logging;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Metrics;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Ring;
using Orchestrator.Engine.State;

namespace Orchestrator.Daemon.Hosting;

/// <summary>
/// One run of the daemon: the engine, the paper broker and the synthetic feed, started in the
/// brief's six steps and stopped gracefully (stop intake, cancel open orders, drain, report).
/// </summary>
public sealed partial class TradingSession : IDisposable
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator");
    private static readonly TimeSpan s_applyBound = TimeSpan.FromSeconds(5);

    private readonly SessionOptions _options;
    private readonly CancellationTokenSource _faulted = new();
    private TradingEngine? _engine;
    private PaperBrokerGateway? _gateway;
    private KisMarketDataFeed? _kisFeed;
    private readonly List<IDisposable> _venueResources = [];
    private MarketDataFeed? _feed;
    private SignalGateway? _signalGateway;
    private MarketDataFanOut? _fanOut;
    private IMarketDataSink? _pendingObserver;
    private MarketDataFileReader? _reader;
    private long _recoveredEventTimeNs; // the journal's last event time (0 = nothing recovered)
    private RiskFileWatcher? _watcher;
    private readonly object _riskGate = new();
    private RiskParameters? _currentRisk;
    private DisplayConfig _display = DisplayConfig.Default;
    private DateTimeOffset _startedAt;
    private DateTimeOffset _stoppedAt;
    private GcWatch? _gc;

    public TradingSession(SessionOptions options, IAuditWriter? auditWriter = null)
    {
        _options = options;
        AuditWriter = auditWriter ?? new NLogAuditWriter();
    }

    public IAuditWriter AuditWriter { get; }

    public LatencyRecorder Latency { get; } = new();

    public TradingEngine Engine => _engine ?? throw new InvalidOperationException("The session has not started.");

    /// <summary>The in-process strategies the engine runs (<see cref="EngineOptions.Strategies"/>).</summary>
    public IReadOnlyList<Orchestrator.Strategies.StrategyRegistration> Strategies => _options.Engine.Strategies;

    /// <summary>The TCP signal gateway, when <see cref="SessionOptions.Gateway"/> is set and the session started.</summary>
    public SignalGateway? SignalGateway => _signalGateway;

    /// <summary>The paper venue (paper sessions only).</summary>
    public PaperBrokerGateway Venue => _gateway ?? throw new InvalidOperationException("The session has no paper venue.");

    /// <summary>The real venue's gateway (KIS or Alpaca sessions only; with several venues, the first's: see <see cref="VenueGateways"/>).</summary>
    public VenueBrokerGateway? VenueGateway => _venues.Count > 0 ? _venues[0].Gateway : null;

    public ProcessorFault? Fault { get; private set; }

    /// <summary>Completes when the feed ends (a limited source ran out, or it was stopped).</summary>
    public Task FeedCompletion => _feed?.Completion ?? (_venues.Count == 0 ? Task.CompletedTask : _venueFeedRunning.Task);

    // A venue's stream reconnects for ever; it never ends a run by itself.
    private readonly TaskCompletionSource _venueFeedRunning = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The risk parameters in force (or on their way to the engine).</summary>
    public RiskParameters CurrentRiskParameters
    {
        get
        {
            lock (_riskGate)
            {
                return CurrentRiskParametersUnlocked();
            }
        }
    }

    public DisplayConfig Display => Volatile.Read(ref _display);

    /// <summary>
    /// Sees every tick after the engine (the agents' bar store); null = none. Set it before
    /// <see cref="StartAsync"/> to see the feed from its first tick (the feed starts inside it); set
    /// later, it sees only the ticks from then on.
    /// </summary>
    public IMarketDataSink? MarketObserver
    {
        get => _fanOut is { } fanOut ? fanOut.Observer : _pendingObserver;
        set
        {
            _pendingObserver = value;
            if (_fanOut is { } fanOut)
            {
                fanOut.Observer = value;
            }
        }
    }

    /// <summary>The venue's WebSocket links (market data, order updates), for health checks.</summary>
    public IReadOnlyList<Adapters.WebSockets.WebSocketManager> Links =>
        [.. new[] { _kisRealtime?.Connection, _alpacaFeed?.Connection, _alpacaUpdates?.Connection }.OfType<Adapters.WebSockets.WebSocketManager>()];

    /// <summary>
    /// Event time of the latest market data: the time operator commands carry into the engine. Before
    /// the first tick of a resumed session, the last event time recovered from the journal.
    /// </summary>
    public long LastEventTimeNs => Math.Max(_fanOut?.LastTsEventNs ?? 0, _recoveredEventTimeNs);

    /// <summary>
    /// The brief's update_risk_params: validates <paramref name="changeJson"/> (risk_management.yaml
    /// keys; those left out keep their values) like the file, publishes it into the ring and
    /// returns once the engine has it in force.
    /// </summary>
    public async Task<RiskUpdateResult> UpdateRiskParamsAsync(string changeJson, string source, CancellationToken cancellationToken)
    {
        long version;
        lock (_riskGate)
        {
            (RiskParameters? next, IReadOnlyList<ConfigError> errors) = ConfigLoader.ValidateRiskChange(changeJson, CurrentRiskParametersUnlocked(), source);
            if (next is null)
            {
                return new RiskUpdateResult(false, 0, [.. errors.Select(e => e.ToString())]);
            }

            version = ApplyRiskParametersUnlocked(next, cancellationToken);
        }

        // Acknowledged only once every stage has this version in force (versions apply in order, none is skipped).
        if (!await WaitForRiskVersionAsync(version, cancellationToken).ConfigureAwait(false))
        {
            return new RiskUpdateResult(false, version, [$"{source}: the change was queued as version {version} but the engine has not applied it within {s_applyBound.TotalSeconds:0} s (is it halted?); it applies when the engine reaches it"]);
        }

        return new RiskUpdateResult(true, version, []);
    }

    /// <summary>Sends parameters already validated to the engine; returns their version.</summary>
    public long ApplyRiskParameters(RiskParameters parameters)
    {
        lock (_riskGate)
        {
            return ApplyRiskParametersUnlocked(parameters, CancellationToken.None);
        }
    }

    /// <summary>The brief's update_display_config: validated, then in force for the display.</summary>
    public Task<IReadOnlyList<string>> UpdateDisplayConfigAsync(DisplayConfig display, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(display);
        IReadOnlyList<string> errors = display.Validate();
        if (errors.Count == 0)
        {
            Volatile.Write(ref _display, display);
            s_logger.Info("Display configuration changed: {0}, {1}, every {2:0}ms", display.Enabled ? "enabled" : "disabled", display.Mode, display.RefreshInterval.TotalMilliseconds);
        }

        return Task.FromResult(errors);
    }

    private RiskParameters CurrentRiskParametersUnlocked() => _currentRisk ?? new RiskParameters(_options.Engine.Risk, _options.Engine.Sizing, _options.Engine.Exits);

    private long ApplyRiskParametersUnlocked(RiskParameters parameters, CancellationToken cancellationToken)
    {
        long version = Engine.UpdateRiskParameters(parameters, LastEventTimeNs, cancellationToken);
        _currentRisk = parameters;
        return version;
    }

    /// <summary>True once every stage has <paramref name="version"/> in force; false after <see cref="s_applyBound"/>.</summary>
    private async Task<bool> WaitForRiskVersionAsync(long version, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_applyBound);
        try
        {
            while (Engine.RiskParameterMailbox.AppliedVersion < version)
            {
                await Task.Delay(1, timeout.Token).ConfigureAwait(false); // slow path: the engine applies it within an event
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        return true;
    }

    /// <summary>Starts a paper session (nothing to connect to): see <see cref="StartAsync"/>.</summary>
    public void Start(string configDescription) => StartAsync(configDescription, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// The brief's six start-up steps. With a real broker, authentication happens here: wrong
    /// keys fail the start (<see cref="VenueAuthenticationException"/>) before any order.
    /// </summary>
    public async Task StartAsync(string configDescription, CancellationToken cancellationToken)
    {
        _startedAt = DateTimeOffset.UtcNow;
        s_logger.Info("Step 1/6: configuration loaded ({0})", configDescription);

        VenueSettings? venue = _options.Venue;
        EngineOptions engineOptions = _options.Engine;
        if (_options.Venues.Count > 0)
        {
            // Authenticate first: wrong keys stop the start before anything else runs, and the
            // engine starts from the accounts' real cash (TradingSession.Venues.cs).
            engineOptions = await ConnectVenuesAsync(_options.Venues, engineOptions, cancellationToken).ConfigureAwait(false);
        }

        // Client order ids unique across runs: a base from the clock (a journal keeps the one its first run took).
        engineOptions = engineOptions with { OrderIdBase = OrderStore.BaseFromClock(DateTimeOffset.UtcNow) };
        _engine = new TradingEngine(engineOptions, AuditWriter);
        _engine.Faulted += OnFault;
        if (_options.Gateway is { } gatewayOptions)
        {
            // Before the engine starts: the gateway attaches its outcome consumer after the trading stages.
            _signalGateway = new SignalGateway(_engine, gatewayOptions, () => LastEventTimeNs);

            // The daemon's own signal sources besides the engine's: no gateway connection may sign as them.
            _signalGateway.ReserveSources([Orchestrator.Agents.Agents.StrategyAgent.AgentName, Mcp.OrchestratorMcpTools.SignalSource, .. _options.ReservedSources]);
        }
        (AuditWriter as NLogAuditWriter)?.Bind(_engine.Symbols, _engine.Sources); // names symbols and agents in the JSON log's fields
        if (_engine.JournalTornTail is { } torn)
        {
            s_logger.Warn("Journal: cut a record torn by a crash in {0} ({1} bytes after offset {2}: {3}); the cut bytes are kept in {4}", torn.SegmentPath, torn.BytesCut, torn.GoodLength, torn.Reason, torn.KeptPath);
        }

        if (_engine.Portfolio.StartingCashRaw != FixedPoint.FromDecimal(engineOptions.StartingCash))
        {
            s_logger.Info("Journal: starting from the cash recorded at the journal's first start ({0}), not today's {1}, so replay decides as the journaled session did",
                FixedPoint.Format(_engine.Portfolio.StartingCashRaw), engineOptions.StartingCash.ToString("0.##", CultureInfo.InvariantCulture));
        }

        if (engineOptions.JournalDirectory is { } pinned && Orchestrator.Engine.Journal.JournalCalendars.Difference(pinned, engineOptions.UseExchangeCalendars) is { } calendarsNote)
        {
            s_logger.Warn(calendarsNote);
        }

        LogSnapshotRecovery(_engine);
        IReadOnlyList<OrderRecord> recoveredOpen = [];
        if (_engine.Recovery is { } recovered)
        {
            _recoveredEventTimeNs = Math.Max(recovered.LastTsNs, recovered.Snapshot?.TsEventNs ?? 0);
            recoveredOpen = RecoveredOrders.Open(_engine);
            s_logger.Warn("Journal: state recovered from {0:N0} journaled events (cash {1}, equity {2}, {3} fills); {4} orders were open at the stop: the broker's records settle them",
                recovered.Events.Values.Sum(), FixedPoint.Format(_engine.Portfolio.CashRaw), FixedPoint.Format(_engine.Portfolio.EquityRaw), _engine.Counters.Fills, recoveredOpen.Count);
        }

        if (engineOptions.JournalDirectory is { } journal)
        {
            s_logger.Info("Journal: every input event is written to {0} before an order it causes leaves (fsync {1}; {2})", journal, engineOptions.Journal.Fsync,
                engineOptions.Journal.EffectivePlacement == Orchestrator.Engine.Journal.JournalPlacement.Inline ? "inline on the trading thread, written before each release" : "a stage of its own thread, ahead of trading");
        }
        s_logger.Info("Step 2/6: components initialized: engine ({0} symbols, {1} pipeline, {2} wait), risk, sizing, order manager, audit",
            _engine.Symbols.Count, _options.Engine.Pipelined ? "pipelined" : "single-thread", _options.Engine.WaitStrategy);

        if (_venues.Count == 0)
        {
            var exchange = new PaperExchange(_options.Paper.WithCurrenciesOf(_engine.Portfolio) with { Calendars = _engine.Calendars, Units = _engine.Instruments.Units }); // cash per currency; matches in each exchange's regular session; fractional quantities where configured
            _gateway = new PaperBrokerGateway(exchange, new EngineReportSink(_engine), Latency);
            _engine.ConnectGateway(_gateway);
            _engine.Start();
            if (_engine.Recovery is not null)
            {
                // The paper venue lives in memory: the journal is its record too.
                int resting = _gateway.Recover(_engine.Portfolio.CashRaw, RecoveredOrders.Positions(_engine), RecoveredOrders.LastPrices(_engine), RecoveredOrders.AsPaperOrders(recoveredOpen), RecoveredOrders.CashByCurrency(_engine));
                s_logger.Info("Paper venue restored from the journal: cash {0}, {1} orders resting again", FixedPoint.Format(_engine.Portfolio.CashRaw), resting);
            }

            s_logger.Info("Step 3/6: broker connected: paper (in-process, cash {0}, slippage {1} bps, commission {2} bps); nothing to authenticate",
                FixedPoint.Format(_options.Paper.StartingCashRaw), _options.Paper.SlippageBps, _options.Paper.CommissionBps);
        }
        else
        {
            await StartVenuesAsync(recoveredOpen, engineOptions.JournalDirectory, cancellationToken).ConfigureAwait(false);
        }

        if (_engine.Recovery is not null)
        {
            // The recovered engine runs with the journal's last limits; the file may have been edited
            // while the daemon was down. The file as it is now wins (journaled like any live change),
            // so the engine, GET /api/risk and the file agree. An engaged kill switch stays engaged.
            ApplyRiskParameters(CurrentRiskParameters);
            s_logger.Info("Risk parameters: the configuration's, applied over the recovered ones");
        }

        _fanOut = new MarketDataFanOut(_gateway, _engine) { Observer = _pendingObserver }; // before any feed starts: it sees the first tick
        string feedName;
        MarketDataPace pace = MarketDataPace.AsFastAsPossible;
        if (venue is { VenueMarketData: true } && _options.DataFile is null)
        {
            var feeds = new List<string>();
            foreach (SessionVenue each in _venues)
            {
                feeds.Add(await StartVenueMarketDataAsync(each, cancellationToken).ConfigureAwait(false));
            }

            feedName = string.Join("; ", feeds);
        }
        else
        {
            IMarketDataSource source;
            // A session resumed on a journal goes on after the journal's last event time: event time
            // never goes back (the risk manager would take every signal for a duplicate of one it saw).
            string resumed = _recoveredEventTimeNs > 0 ? ", resuming after the journal's last event time " + FormatEventTime(_recoveredEventTimeNs) : string.Empty;
            if (_options.DataFile is { } path)
            {
                _reader = new MarketDataFileReader(path, _engine.Symbols);
                source = _recoveredEventTimeNs > 0 ? new ResumedSource(_reader, _recoveredEventTimeNs) : _reader;
                feedName = $"file replay {path} ({_reader.Format}{(resumed.Length > 0 ? resumed + ": the file's events at or before it are skipped" : string.Empty)})";
            }
            else
            {
                SyntheticMarketDataOptions synthetic = _options.Synthetic.ResumedAfter(_recoveredEventTimeNs);
                source = new SyntheticMarketDataGenerator(synthetic);
                feedName = $"synthetic (seed {synthetic.Seed}, starting at {FormatEventTime(synthetic.StartTimeNs)}{resumed})";
            }

            if (_options.MaxTicks > 0)
            {
                source = new LimitedSource(source, _options.MaxTicks);
            }

            pace = _options.DataFile is not null && _options.RecordedSpeed > 0 ? MarketDataPace.Recorded(_options.RecordedSpeed)
                : _options.FeedTicksPerSecond > 0 ? MarketDataPace.Paced(_options.FeedTicksPerSecond)
                : MarketDataPace.AsFastAsPossible;
            // A file as fast as possible on the paper venue: in lock-step, so it trades as the backtest does;
            // at a pace: the Day orders still expire at each day's end (the exchange's close with calendars).
            IMarketDataSink sink = _options.DataFile is null || _gateway is null ? _fanOut
                : pace.Kind == MarketDataPaceKind.AsFastAsPossible ? new LockstepReplay(_fanOut, _gateway, _engine, _options.ShutdownTimeout)
                : new PacedReplayDayEnds(_fanOut, _gateway, _engine, _options.ShutdownTimeout);
            _feed = new MarketDataFeed(source, sink, pace);
        }

        s_logger.Info("Step 4/6: market data connected: {0}, pace {1}", feedName,
            _feed is null ? "as the venue sends it"
            : pace.Kind switch
            {
                MarketDataPaceKind.Recorded => "recorded x" + _options.RecordedSpeed.ToString(CultureInfo.InvariantCulture),
                MarketDataPaceKind.FixedRate => _options.FeedTicksPerSecond.ToString(CultureInfo.InvariantCulture) + " ticks/s",
                _ => _options.DataFile is not null && _gateway is not null
                    ? "as fast as possible, in lock-step (each tick settled before the next, as in a backtest)"
                    : "as fast as possible",
            });

        if (_options.WatchConfigDirectory is { } configDirectory && Directory.Exists(configDirectory))
        {
            _watcher = new RiskFileWatcher(configDirectory, () => CurrentRiskParameters, ApplyRiskParameters);
        }

        _feed?.Start();
        StartCheckpoints(_engine);
        _signalGateway?.Start(); // logs "listening on 127.0.0.1:PORT (auth on/off)"
        await StartKisRealtimeAsync(cancellationToken).ConfigureAwait(false);
        s_logger.Info("Step 5/6: subscribed: {0}", string.Join(", ", _engine.Symbols.Names));
        s_logger.Info("Step 6/6: monitoring started (status every {0:0}s{1})", _options.StatusInterval.TotalSeconds,
            _watcher is null ? string.Empty : ", watching " + Path.Combine(_options.WatchConfigDirectory!, ConfigLoader.RiskFile) + " for live changes");
        _gc = new GcWatch(_options.GcWarmup);
    }

    /// <summary>
    /// The collector's figures since trading started, after <see cref="SessionOptions.GcWarmup"/>, until
    /// <see cref="RunAsync"/> returned (see <see cref="GcWatch"/>); zeros before the session started.
    /// </summary>
    public GcFigures Gc => _gc?.Current ?? default;

    /// <summary>A configured symbol's quantity decimals (issue 19; 0 = whole shares): how the venue's quantities are read.</summary>
    private int QuantityDecimalsOf(string symbol) =>
        _options.Engine.Instruments is { } instruments && instruments.TryGetValue(symbol, out InstrumentInfo? info) ? info.QuantityDecimals : 0;

    /// <summary>Builds the venue's client, authenticates (the token is issued once and reused) and reads the account's cash.</summary>
    private async Task<(IVenueClient Client, VenueHoldings Holdings)> ConnectVenueAsync(VenueSettings venue, IReadOnlyList<string> symbols, CancellationToken cancellationToken)
    {
        switch (venue.Adapter)
        {
            case "kis":
                {
                    var http = new HttpClient { BaseAddress = venue.KisRestUrl, Timeout = Timeout.InfiniteTimeSpan }; // the gateway's pipeline times attempts
                    _venueResources.Add(http);
                    var rest = new KisRestClient(http, venue.Kis!, limits: venue.KisLimits);
                    _kisRest = rest;
                    var client = new KisVenueClient(rest, overseas: new KisOverseasOptions
                    {
                        Symbols = symbols,
                        Exchanges = venue.KisOverseasExchanges,
                        Collar = venue.KisOverseasCollar,
                        LastPrice = LastTradePrice,
                    });
                    _venueResources.Add(client);
                    await client.InitializeAsync(cancellationToken).ConfigureAwait(false);
                    return (client, await client.GetHoldingsAsync(cancellationToken).ConfigureAwait(false));
                }

            case "alpaca":
                {
                    var http = new HttpClient { BaseAddress = venue.AlpacaTradingUrl, Timeout = Timeout.InfiniteTimeSpan };
                    _venueResources.Add(http);
                    var client = new AlpacaRestClient(http, venue.Alpaca!) { QuantityDecimals = QuantityDecimalsOf }; // fractional symbols (issue 19)
                    _venueResources.Add(client);
                    return (client, await client.GetHoldingsAsync(cancellationToken).ConfigureAwait(false)); // wrong keys fail here
                }

            default:
                throw new InvalidOperationException($"broker adapter '{venue.Adapter}' is not known");
        }
    }

    /// <summary>The engine's last trade price of a symbol (USD for a US symbol), or null before the first trade.</summary>
    private decimal? LastTradePrice(string symbol)
    {
        if (_engine is not { } engine || !engine.Symbols.TryGetId(symbol, out int id))
        {
            return null;
        }

        long raw = engine.Market.LastRaw(id);
        return raw > 0 ? FixedPoint.ToDecimal(raw) : null;
    }

    /// <summary>
    /// The start-up reconciliation of a venue session: the venue's records settle the orders the
    /// journal left open, then the books are compared (see <see cref="VenueReconciler"/>); it runs
    /// again whenever the broker or its order stream comes back after a drop.
    /// </summary>
    private async Task ReconcileAtStartAsync(SessionVenue sessionVenue, string? journal, CancellationToken cancellationToken)
    {
        VenueSettings venue = sessionVenue.Settings;
        VenueHoldings holdings = sessionVenue.Holdings;
        bool several = _venues.Count > 1;
        string baselineFile = several ? VenueBaseline.FileNameOf(venue.Adapter) : VenueBaseline.FileName; // one per venue when there are several
        bool recovered = _engine!.Recovery is not null;
        if (recovered && journal is not null && !File.Exists(Path.Combine(journal, baselineFile)))
        {
            s_logger.Warn("Journal {0} has no {1} (written at a journal's first start): the account's positions are compared as they are", journal, baselineFile);
        }

        IReadOnlyDictionary<string, decimal> baseline = VenueBaseline.LoadOrCreate(journal, venue.Adapter, recovered ? new VenueHoldings(holdings.Cash, new Dictionary<string, decimal>()) : holdings, baselineFile);
        if (!recovered && baseline.Count > 0)
        {
            s_logger.Warn("The account already holds positions this run did not open ({0}): the engine starts flat and does not manage them",
                string.Join(", ", baseline.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value}"))));
        }

        // With several venues each compares its own symbols. Cash per currency (issue 19): each currency the
        // venue reports is compared with the engine's cash in it, unless another venue reports that currency too
        // (the engine's figure is then both accounts': neither venue is its book of record).
        var cashCurrencies = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string code in sessionVenue.CashByCurrency.Keys)
        {
            if (EngineCurrencyOf(_engine.Options, sessionVenue, code) is { } currency && _engine.Portfolio.Currencies.IdOf(currency) is int id and >= 0
                && !_venues.Any(v => v != sessionVenue && v.CashByCurrency.Keys.Any(other => EngineCurrencyOf(_engine.Options, v, other) == currency)))
            {
                cashCurrencies[code] = id;
            }
        }

        var reconciler = new VenueReconciler(_engine, sessionVenue.Gateway!, sessionVenue.Client, baseline, () => LastEventTimeNs)
        {
            Settle = venue.Gateway.PollInterval,
            CheckInterval = venue.Gateway.PositionCheckInterval,
            Symbols = several ? sessionVenue.Symbols : null,
            CompareCash = cashCurrencies.Count > 0,
            CashCurrencies = cashCurrencies,
        };
        sessionVenue.Reconciler = reconciler;
        await reconciler.ReconcileAsync(recovered ? "after recovery" : "start-up", cancellationToken).ConfigureAwait(false);
        reconciler.StartPeriodicChecks();
        foreach (Adapters.WebSockets.WebSocketManager link in several ? UpdateLinks(sessionVenue) : new[] { _kisRealtime?.Connection, _alpacaUpdates?.Connection }.OfType<Adapters.WebSockets.WebSocketManager>())
        {
            link.Reconnected += () => reconciler.Request(link.Name + " reconnected");
        }
    }

    /// <summary>The venue session's reconciler (null in paper sessions; with several venues, the first's: see <see cref="Venues"/>).</summary>
    public VenueReconciler? Reconciler => _venues.Count > 0 ? _venues[0].Reconciler : null;
    private VenueOrderLog? _orderLog;

    private KisRestClient? _kisRest;
    private KisExecutionNoticeStream? _kisNotices;
    private KisRealtimeSession? _kisRealtime;

    /// <summary>The one KIS real-time session of the app key (market data and notices share it), made on first use.</summary>
    private async Task<KisRealtimeSession> KisRealtimeAsync(VenueSettings venue, CancellationToken cancellationToken) =>
        _kisRealtime ??= new KisRealtimeSession(venue.KisWebSocketUrl!, await KisApprovalKeyAsync(cancellationToken).ConfigureAwait(false),
            staleAfter: venue.VenueMarketData && _options.DataFile is null ? TimeSpan.FromSeconds(30) : null);

    /// <summary>
    /// Connects the KIS session (when there is one) and waits for KIS to answer every subscription:
    /// refusals name their symbol (ERROR, alert) and leave the link degraded; so does a missing ack.
    /// </summary>
    private async Task StartKisRealtimeAsync(CancellationToken cancellationToken)
    {
        if (_kisRealtime is not { } session)
        {
            return;
        }

        await session.StartAsync().ConfigureAwait(false);
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(15)); // the acks' own timeout is 10 s once connected; not connected at all is the link's to report
        bool acked;
        try
        {
            acked = await session.WaitForAcksAsync(patience.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            acked = false;
        }

        if (acked)
        {
            s_logger.Info("KIS real-time: {0} registrations acknowledged on one session ({1} allowed)", session.Registrations, KisLimits.MaxRealtimeRegistrations);
        }
        else
        {
            s_logger.Error("KIS real-time: not every subscription was acknowledged — {0}; the link reports degraded", session.Connection.SubscriptionProblem ?? "no answer yet");
        }
    }
    private AlpacaTradeUpdatesStream? _alpacaUpdates;
    private AlpacaMarketDataFeed? _alpacaFeed;
    private string? _kisApprovalKey;

    /// <summary>The WebSocket approval key, asked for once per session.</summary>
    private async Task<string> KisApprovalKeyAsync(CancellationToken cancellationToken) =>
        _kisApprovalKey ??= await _kisRest!.GetApprovalKeyAsync(cancellationToken).ConfigureAwait(false);

    private static string VenueDescription(VenueSettings venue) => venue.Adapter switch
    {
        "kis" => $"{venue.Kis} at {venue.KisRestUrl}",
        "alpaca" => $"{venue.Alpaca} at {venue.AlpacaTradingUrl}",
        _ => venue.Adapter,
    };

    /// <summary>Connects the venue's own market data stream into the fan-out.</summary>
    private async Task<string> StartVenueMarketDataAsync(SessionVenue sessionVenue, CancellationToken cancellationToken)
    {
        VenueSettings venue = sessionVenue.Settings;
        switch (venue.Adapter)
        {
            case "kis":
                {
                    _kisFeed = new KisMarketDataFeed(await KisRealtimeAsync(venue, cancellationToken).ConfigureAwait(false), sessionVenue.Symbols, Engine.Symbols, _fanOut!,
                        overseasExchanges: venue.KisOverseasExchanges);
                    return $"KIS real-time trades (H0STCNT0 domestic, HDFSCNT0 US) from {venue.KisWebSocketUrl}";
                }

            case "alpaca":
                {
                    _alpacaFeed = new AlpacaMarketDataFeed(venue.AlpacaDataUrl!, venue.Alpaca!, sessionVenue.Symbols, AlpacaChannels.Trades, Engine.Symbols, _fanOut!);
                    await _alpacaFeed.StartAsync().ConfigureAwait(false);
                    return $"Alpaca market data v2 trades from {venue.AlpacaDataUrl}";
                }

            default:
                throw new InvalidOperationException($"broker adapter '{venue.Adapter}' has no market data stream");
        }
    }

    /// <summary>
    /// Runs until <paramref name="stop"/> is cancelled, the duration passes, the engine faults,
    /// or the feed ends (a replayed file is exhausted, or the feed failed); logs a status line
    /// periodically.
    /// </summary>
    public async Task RunAsync(TimeSpan? duration, CancellationToken stop)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, _faulted.Token);
        if (duration is { } d)
        {
            linked.CancelAfter(d);
        }

        Task feedDone = FeedCompletion;
        using var timer = new PeriodicTimer(_options.StatusInterval);
        try
        {
            while (true)
            {
                Task<bool> tick = timer.WaitForNextTickAsync(linked.Token).AsTask();
                if (await Task.WhenAny(tick, feedDone).ConfigureAwait(false) == feedDone)
                {
                    if (feedDone.IsFaulted)
                    {
                        FeedFailed = true;
                        s_logger.Fatal(feedDone.Exception?.GetBaseException(), "Market data feed failed: trading stops");
                    }
                    else
                    {
                        s_logger.Info("Market data feed ended");
                    }

                    return;
                }

                await tick.ConfigureAwait(false);
                s_logger.Log(StatusEvent());
            }
        }
        catch (OperationCanceledException)
        {
            // the normal end of a run
        }
        finally
        {
            _gc?.Stop(); // steady state ends here: shutdown allocates and is not counted
        }
    }

    /// <summary>True if the run ended because the market data feed failed.</summary>
    public bool FeedFailed { get; private set; }

    /// <summary>Stops intake, cancels open orders (if configured), drains everything and stops the threads.</summary>
    public ShutdownResult Stop()
    {
        if (_signalGateway is not null)
        {
            s_logger.Info("Shutdown: stopping the signal gateway (no new connections or lines; outcomes of accepted signals are written first)");
            _signalGateway.StopAsync().GetAwaiter().GetResult();
        }

        s_logger.Info("Shutdown: stopping market data");
        StopCheckpoints();
        _watcher?.Dispose(); // no live changes while draining
        _feed?.Stop();
        _kisFeed?.Dispose(); // a venue's stream is intake too: no new ticks, so no new orders, while we cancel
        _alpacaFeed?.Dispose();
        if (_engine is null)
        {
            return ShutdownResult.Drained;
        }

        long ts = _fanOut?.LastTsEventNs ?? 0;
        if (_options.CancelOpenOrdersOnShutdown && Fault is null)
        {
            _engine.WaitUntilQuiet(_options.ShutdownTimeout);
            s_logger.Info("Shutdown: canceling {0} open orders", _engine.Orders.OpenCount);
            _engine.PublishCommand(CommandKind.CancelAllOrders, 0, ts);
            if (_venues.Count > 0)
            {
                // The cancels go out and the venue's answer (and any last fills) come back before the engine stops.
                _engine.WaitUntilQuiet(_options.ShutdownTimeout);
                FlushVenues();
                _engine.WaitUntilQuiet(_options.ShutdownTimeout);
            }
        }

        ShutdownResult result = _engine.Shutdown(_options.ShutdownTimeout);
        _stoppedAt = DateTimeOffset.UtcNow;
        s_logger.Info("Shutdown: engine {0}", result);
        return result;
    }

    public string StatusLine()
    {
        TradingEngine e = Engine;
        LatencySummary latency = Latency.Summarize();
        GcFigures gc = Gc;
        return string.Create(CultureInfo.InvariantCulture,
            $"Status: events={e.Counters.Events} ticks={e.Counters.TradeTicks} signals={e.Counters.RuleSignals + e.Counters.ExternalSignals + e.Counters.ProtectiveExits} orders={e.Counters.OrdersSubmitted} fills={e.Counters.Fills} rejects={e.Counters.TotalRejects} open={e.Orders.OpenCount} equity={BaseSymbol(e)}{FixedPoint.Format(e.Portfolio.EquityRaw)} cash={BaseSymbol(e)}{FixedPoint.Format(e.Portfolio.CashRaw)}{OtherCurrencies(e)} pnl={BaseSymbol(e)}{FixedPoint.Format(e.Portfolio.EquityRaw - e.Portfolio.StartingEquityRaw)} day_pnl={BaseSymbol(e)}{FixedPoint.Format(DayPnlRaw(e))} p50={latency.P50Us:0.0}us p99={latency.P99Us:0.0}us audit_dropped={e.Audit.Dropped} gc={gc.Gen0}/{gc.Gen1}/{gc.Gen2}");
    }

    public RunReport BuildReport() => RunReport.From(Engine, Latency, (_stoppedAt == default ? DateTimeOffset.UtcNow : _stoppedAt) - _startedAt, Fault, Gc, AgentRestarts);

    /// <summary>Restarts of a supervised agent by name, for the run report's <c>agents</c> (null = none supervised: 0 each). Set by the supervisor.</summary>
    public Func<string, int>? AgentRestarts { get; set; }

    private void OnFault(ProcessorFault fault)
    {
        Fault = fault;
        s_logger.Fatal(fault.Exception, "Engine stage {0} halted at sequence {1}: trading stopped", fault.ProcessorName, fault.Sequence);
        _faulted.Cancel();
    }

    private static string FormatEventTime(long tsNs) =>
        DateTimeOffset.UnixEpoch.AddTicks(tsNs / 100).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A file replay resumed on a journal: the events at or before the journal's last event time were already traded on.</summary>
    private sealed class ResumedSource(IMarketDataSource inner, long afterNs) : IMarketDataSource
    {
        public bool TryGetNext(out MarketTick tick)
        {
            while (inner.TryGetNext(out tick))
            {
                if (tick.TsEventNs > afterNs)
                {
                    return true;
                }
            }

            return false;
        }
    }

    private sealed class LimitedSource(IMarketDataSource inner, long limit) : IMarketDataSource
    {
        private long _taken;

        public bool TryGetNext(out MarketTick tick)
        {
            if (_taken >= limit)
            {
                tick = default;
                return false;
            }

            _taken++;
            return inner.TryGetNext(out tick);
        }
    }

    /// <summary>The live-change watcher, when the session watches a configuration directory.</summary>
    public RiskFileWatcher? RiskWatcher => _watcher;

    public void Dispose()
    {
        _watcher?.Dispose();
        _kisFeed?.Dispose();
        _kisNotices?.Dispose();
        _kisRealtime?.Dispose();
        _alpacaFeed?.Dispose();
        _alpacaUpdates?.Dispose();
        DisposeVenues();
        foreach (IDisposable resource in _venueResources)
        {
            resource.Dispose();
        }

        _feed?.Dispose();
        _reader?.Dispose();
        _faulted.Dispose();
        _gc?.Dispose();
    }
}
