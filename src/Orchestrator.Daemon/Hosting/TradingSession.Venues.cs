using System.Globalization;
using Disruptor;
using Orchestrator.Adapters.Alpaca;
using Orchestrator.Adapters.Kis;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Engine;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;

namespace Orchestrator.Daemon.Hosting;

/// <summary>
/// The session's real venues (issue 19, several venues in one process): one <see cref="SessionVenue"/> per
/// venue of <see cref="SessionOptions.Venues"/>, each with its own client, <see cref="VenueBrokerGateway"/>
/// (queue, workers, resilience, rate limit, in-doubt handling, polling), update stream, reconciliation
/// and health entry. With one venue it trades every symbol and the gateway is the outbound ring's
/// consumer, as before; with several, <see cref="VenueRouter"/> is, and each venue trades the symbols
/// <see cref="InstrumentInfo.Venue"/> routes to it.
/// </summary>
public sealed partial class TradingSession
{
    private readonly List<SessionVenue> _venues = [];
    private VenueRouter? _router;

    /// <summary>The session's real venues, in <see cref="SessionOptions.Venues"/> order (empty in paper sessions).</summary>
    public IReadOnlyList<SessionVenue> Venues => _venues;

    /// <summary>Every real venue's gateway (empty in paper sessions).</summary>
    public IReadOnlyList<VenueBrokerGateway> VenueGateways => [.. _venues.Where(v => v.Gateway is not null).Select(v => v.Gateway!)];

    /// <summary>The outbound ring's router when the session has several venues; null otherwise.</summary>
    public VenueRouter? Router => _router;

    /// <summary>The symbols of <paramref name="options"/> that <paramref name="venue"/> trades: by each instrument's venue (configured, else the default venue).</summary>
    internal static IReadOnlyList<string> RoutedSymbols(EngineOptions options, string venue) =>
        [.. options.Symbols.Where(s => ConfigLoader.InstrumentOf(options, s).Venue == venue)];

    /// <summary>
    /// Connects and authenticates every venue (wrong keys fail the start before anything runs) and returns
    /// the engine's options with the accounts' cash, per currency (issue 19): each cash figure a venue reports
    /// (<see cref="SessionVenue.CashByCurrency"/>: KIS's KRW D+2 figure and its USD deposit, Alpaca's dollars)
    /// counts in its own currency — the base currency's as the starting cash, the others' in
    /// <see cref="EngineOptions.StartingCashByCurrency"/>; never converted. In a one-currency account (no
    /// <c>account.fx_rates</c>) a venue's main figure (<see cref="SessionVenue.Currency"/>) is the base's, as
    /// before, and any other currency it reports is left out (logged).
    /// </summary>
    private async Task<EngineOptions> ConnectVenuesAsync(IReadOnlyList<VenueSettings> venues, EngineOptions options, CancellationToken cancellationToken)
    {
        foreach (VenueSettings settings in venues)
        {
            if (_venues.Any(v => v.Settings.Adapter == settings.Adapter))
            {
                throw new InvalidOperationException($"broker '{settings.Adapter}' is listed twice: one process trades through each venue once");
            }

            IReadOnlyList<string> symbols = venues.Count == 1 ? options.Symbols : RoutedSymbols(options, settings.Adapter);
            (IVenueClient client, VenueHoldings holdings) = await ConnectVenueAsync(settings, symbols, cancellationToken).ConfigureAwait(false);
            _venues.Add(new SessionVenue(settings, client, holdings, symbols, CashCurrency(options, settings.Adapter, symbols)));
        }

        options = await WithVenueBorrowAsync(options, cancellationToken).ConfigureAwait(false);

        decimal baseCash = 0m;
        var others = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (SessionVenue venue in _venues)
        {
            foreach ((string code, decimal amount) in venue.CashByCurrency)
            {
                if (EngineCurrencyOf(options, venue, code) is not { } currency)
                {
                    s_logger.Warn("{0} reports {1} {2} of cash, but the account keeps no {2} figure (no account.fx_rates entry for it): that cash is not in the engine's books and not reconciled",
                        venue.Name, amount.ToString("0.##", CultureInfo.InvariantCulture), code);
                }
                else if (currency == options.BaseCurrency)
                {
                    baseCash += amount;
                }
                else
                {
                    others[currency] = others.GetValueOrDefault(currency) + amount;
                }
            }

            LogVenueRates(options, venue);
        }

        if (others.Count == 0)
        {
            return options with { StartingCash = baseCash }; // one currency, as before
        }

        foreach ((string code, decimal amount) in options.StartingCashByCurrency ?? new Dictionary<string, decimal>())
        {
            others.TryAdd(code, amount); // a configured currency no venue reports keeps its configured cash
        }

        return options with { StartingCash = baseCash, StartingCashByCurrency = others };
    }

    /// <summary>
    /// Venue-provided borrow (issue 19): when the account may sell short, each Alpaca venue's assets
    /// (<c>shortable</c>, <c>easy_to_borrow</c>) for its symbols, read once here at start-up. They narrow the
    /// configured rule (<see cref="VenueBorrow"/>); each symbol they narrow is logged. KIS gives no such figure.
    /// </summary>
    private async Task<EngineOptions> WithVenueBorrowAsync(EngineOptions options, CancellationToken cancellationToken)
    {
        if (!options.Risk.AllowShortSelling)
        {
            return options; // nothing may be sold short: no request
        }

        var said = new Dictionary<string, VenueBorrow>(StringComparer.Ordinal);
        foreach (SessionVenue venue in _venues)
        {
            if (venue.Client is not AlpacaRestClient alpaca)
            {
                continue;
            }

            foreach ((string symbol, VenueBorrow borrow) in await alpaca.GetBorrowAsync(venue.Symbols, cancellationToken).ConfigureAwait(false))
            {
                said[symbol] = borrow;
                InstrumentInfo configured = ConfigLoader.InstrumentOf(options, symbol);
                bool configuredShortable = options.Instruments is null || !options.Instruments.ContainsKey(symbol) || configured.Shortable;
                if (configuredShortable && !borrow.Shortable)
                {
                    s_logger.Warn("Shorts: {0} says {1} is not shortable (its asset): short sales of it are refused (ShortNotAllowed)", venue.Settings.Adapter, symbol);
                }
                else if (configuredShortable && !borrow.EasyToBorrow)
                {
                    s_logger.Warn("Shorts: {0} says {1} is hard to borrow (its asset): it opens shorts in easy-to-borrow names only, so short sales of it are refused (NoBorrow)", venue.Settings.Adapter, symbol);
                }
            }
        }

        return said.Count == 0 ? options : options with { VenueBorrow = said };
    }

    /// <summary>
    /// The engine currency (ISO code) a venue's cash figure in <paramref name="code"/> is booked in: the code itself
    /// when it is the base or has an FX rate; in a one-currency account (the venue's main currency neither the
    /// base nor rated) the base for the venue's main figure only, as before issue 19; null when the account keeps
    /// no figure for it (it is then neither counted nor reconciled).
    /// </summary>
    internal static string? EngineCurrencyOf(EngineOptions options, SessionVenue venue, string code)
    {
        bool Kept(string c) => c == options.BaseCurrency || options.FxRates?.ContainsKey(c) == true;
        bool mainInBase = !Kept(venue.Currency); // one currency: the main figure stands for the base's
        return code == venue.Currency ? (mainInBase ? options.BaseCurrency : code)
            : !mainInBase && Kept(code) ? code
            : null;
    }

    /// <summary>
    /// Logs the exchange rates a venue quotes beside the configured ones (issue 19): the engine values only at
    /// <c>account.fx_rates</c> (config/README.md, "Instruments and currencies"); a venue rate more than 5% away is a WARNING.
    /// </summary>
    private static void LogVenueRates(EngineOptions options, SessionVenue venue)
    {
        foreach (VenueFxRate rate in venue.Holdings.FxRates)
        {
            decimal? Configured(string code) => code == options.BaseCurrency ? 1m : options.FxRates?.TryGetValue(code, out decimal r) == true ? r : null;
            string quoted = string.Create(CultureInfo.InvariantCulture, $"{venue.Name} quotes 1 {rate.Currency} = {rate.Rate:0.####} {rate.Quote} ({rate.Source})");
            if (Configured(rate.Currency) is not { } of || Configured(rate.Quote) is not { } quote)
            {
                s_logger.Info("{0}; not used: account.fx_rates does not rate both currencies", quoted);
                continue;
            }

            decimal configured = of / quote;
            string line = string.Create(CultureInfo.InvariantCulture, $"{quoted}; the engine values at account.fx_rates: 1 {rate.Currency} = {configured:0.####} {rate.Quote}");
            if (Math.Abs(configured - rate.Rate) > rate.Rate * 0.05m)
            {
                s_logger.Warn("{0} — more than 5% apart: check account.fx_rates (equity, the daily loss and sizing limits in the base currency use it)", line);
            }
            else
            {
                s_logger.Info(line);
            }
        }
    }

    /// <summary>
    /// The currency a venue's account cash is in: KIS reports its KRW deposit when it trades any domestic
    /// symbol (else the USD one); any other venue, its symbols' currency.
    /// </summary>
    private static string CashCurrency(EngineOptions options, string adapter, IReadOnlyList<string> symbols)
    {
        if (adapter == "kis" && (symbols.Count == 0 || symbols.Any(KisMarkets.IsDomestic)))
        {
            return "KRW";
        }

        return symbols.Count > 0 ? ConfigLoader.InstrumentOf(options, symbols[0]).Currency : options.BaseCurrency;
    }

    /// <summary>
    /// Builds each venue's gateway, wires them as the outbound ring's consumer (through the router when there
    /// are several), starts the engine, hands each gateway the recovered orders of its symbols, starts its
    /// workers and update stream, and reconciles each venue with the engine.
    /// </summary>
    private async Task StartVenuesAsync(IReadOnlyList<OrderRecord> recoveredOpen, string? journal, CancellationToken cancellationToken)
    {
        TradingEngine engine = _engine!;
        if (journal is not null)
        {
            // One log for every venue: client order ids are unique across the process, and it is thread-safe.
            _orderLog = new VenueOrderLog(journal);
            _venueResources.Add(_orderLog);
        }

        foreach (SessionVenue venue in _venues)
        {
            venue.Gateway = new VenueBrokerGateway(venue.Client, engine.Symbols, new EngineReportSink(engine), venue.Settings.Gateway, Latency, orderLog: _orderLog) { Units = engine.Instruments.Units };
        }

        if (_venues.Count == 1)
        {
            engine.ConnectGateway(_venues[0].Gateway!);
        }
        else
        {
            _router = new VenueRouter(engine.Instruments, _venues.ToDictionary(v => v.Settings.Adapter, v => (IValueEventHandler<OrderCommand>)v.Gateway!, StringComparer.Ordinal));
            engine.ConnectGateway(_router);
        }

        engine.Start();
        foreach (SessionVenue venue in _venues)
        {
            VenueSettings settings = venue.Settings;
            VenueBrokerGateway gateway = venue.Gateway!;
            int inDoubt = gateway.Recover(RecoveredOrders.AsVenueOrders([.. recoveredOpen.Where(o => venue.Trades(engine.Symbols.GetName(o.SymbolId)))], engine.Symbols, engine.Instruments.Units));
            if (inDoubt > 0)
            {
                s_logger.Warn("Broker {0}: {1} recovered orders have no venue id kept: they are looked for in the venue's records (their symbols pause until found, or until {2:0}s show they were never placed)",
                    settings.Adapter, inDoubt, settings.Gateway.UnknownGrace.TotalSeconds);
            }

            gateway.Start();
            if (settings.Adapter == "alpaca")
            {
                _alpacaUpdates = new AlpacaTradeUpdatesStream(settings.AlpacaTradingStreamUrl!, settings.Alpaca!, gateway) { QuantityDecimals = QuantityDecimalsOf };
                await _alpacaUpdates.StartAsync().ConfigureAwait(false);
            }
            else if (settings.Adapter == "kis" && settings.KisHtsId is { Length: > 0 } htsId)
            {
                // Registered now, connected with the market data before step 5: one session per app key carries both.
                _kisNotices = new KisExecutionNoticeStream(await KisRealtimeAsync(settings, cancellationToken).ConfigureAwait(false), htsId, settings.Kis!.RealAccount, gateway);
            }

            s_logger.Info("Step 3/6: broker connected: {0} ({1}); authenticated; cash {2} {3}; {4}{5} requests/s at most, {6} retries, {7:0}s per attempt",
                settings.Adapter, VenueDescription(settings), venue.Holdings.Cash.ToString("0.##", CultureInfo.InvariantCulture), venue.Currency,
                _venues.Count == 1 ? string.Empty : "trades " + string.Join(", ", venue.Symbols) + "; ",
                settings.Gateway.RequestsPerSecond, settings.Gateway.MaxRetries, settings.Gateway.RequestTimeout.TotalSeconds);
        }

        foreach (SessionVenue venue in _venues)
        {
            await ReconcileAtStartAsync(venue, journal, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for every venue's gateway to settle its queue and doubts (at shutdown, after the cancels).</summary>
    private void FlushVenues()
    {
        foreach (SessionVenue venue in _venues)
        {
            venue.Gateway?.FlushAsync(_options.ShutdownTimeout).GetAwaiter().GetResult();
        }
    }

    private void DisposeVenues()
    {
        foreach (SessionVenue venue in _venues)
        {
            venue.Gateway?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            venue.Reconciler?.Dispose();
        }
    }

    /// <summary>The WebSocket links that carry <paramref name="venue"/>'s order updates (a reconnect asks for its reconciliation).</summary>
    private IEnumerable<Adapters.WebSockets.WebSocketManager> UpdateLinks(SessionVenue venue) => venue.Settings.Adapter switch
    {
        "kis" => new[] { _kisRealtime?.Connection }.OfType<Adapters.WebSockets.WebSocketManager>(),
        "alpaca" => new[] { _alpacaUpdates?.Connection }.OfType<Adapters.WebSockets.WebSocketManager>(),
        _ => [],
    };
}

/// <summary>
/// One real venue of a session: its settings and client, the account as it stood at the start, the symbols
/// it trades, the currency its cash is in, and — once started — its gateway and reconciler.
/// </summary>
public sealed class SessionVenue
{
    private readonly HashSet<string> _symbols;

    internal SessionVenue(VenueSettings settings, IVenueClient client, VenueHoldings holdings, IReadOnlyList<string> symbols, string currency)
    {
        Settings = settings;
        Client = client;
        Holdings = holdings;
        Symbols = symbols;
        Currency = currency;
        _symbols = new HashSet<string>(symbols, StringComparer.Ordinal);
    }

    public VenueSettings Settings { get; }

    /// <summary>The venue's name ("kis", "alpaca").</summary>
    public string Name => Settings.Adapter;

    public IVenueClient Client { get; }

    /// <summary>The account at the start (its cash is in <see cref="Currency"/>).</summary>
    public VenueHoldings Holdings { get; }

    /// <summary>The symbols this venue trades.</summary>
    public IReadOnlyList<string> Symbols { get; }

    /// <summary>ISO 4217 code of the venue's main cash figure (<see cref="VenueHoldings.Cash"/>).</summary>
    public string Currency { get; }

    /// <summary>The account's cash at the start per currency (issue 19), each in its own: what the venue reports, else its one figure in <see cref="Currency"/>.</summary>
    public IReadOnlyDictionary<string, decimal> CashByCurrency =>
        Holdings.CashByCurrency ?? new Dictionary<string, decimal>(StringComparer.Ordinal) { [Currency] = Holdings.Cash };

    public VenueBrokerGateway? Gateway { get; internal set; }

    public VenueReconciler? Reconciler { get; internal set; }

    /// <summary>Whether this venue trades <paramref name="symbol"/>.</summary>
    public bool Trades(string symbol) => _symbols.Contains(symbol);
}
