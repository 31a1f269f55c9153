using System.Globalization;
using NLog;
using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.State;

namespace Orchestrator.Adapters.Venues;

/// <summary>One symbol whose position the engine and the venue disagree on.</summary>
/// <param name="Symbol">The venue's symbol.</param>
/// <param name="Engine">Shares the engine holds.</param>
/// <param name="Venue">Shares the venue books for this run (what it holds minus what the account held before the run's first start).</param>
public sealed record PositionDifference(string Symbol, decimal Engine, decimal Venue);

/// <summary>One currency's cash as the venue and the engine book it (issue 19), each in that currency.</summary>
/// <param name="Currency">ISO 4217 code; both figures are in it (never converted).</param>
/// <param name="Venue">The venue's cash.</param>
/// <param name="Engine">The engine's cash before any correction.</param>
public sealed record CashComparison(string Currency, decimal Venue, decimal Engine)
{
    public bool Matches => Venue == Engine;
}

/// <summary>What one reconciliation found.</summary>
/// <param name="Reached">False when the venue could not be read (nothing was compared).</param>
/// <param name="Differences">Positions that differ and are not explained by orders in doubt.</param>
/// <param name="Pending">Symbols whose comparison waits for orders still in doubt.</param>
/// <param name="VenueCash">The venue's cash (0 when not reached); with several currencies, the first of <see cref="Cash"/>.</param>
/// <param name="EngineCash">The engine's cash before any correction (the same currency as <paramref name="VenueCash"/>).</param>
/// <param name="RecoveredFills">Fill reports for recovered orders this reconciliation emitted (fills missed while down).</param>
/// <param name="InDoubt">Orders still in doubt when it ended (a later reconciliation runs once none is).</param>
public sealed record ReconciliationResult(bool Reached, IReadOnlyList<PositionDifference> Differences, IReadOnlyList<string> Pending, decimal VenueCash, decimal EngineCash, long RecoveredFills, int InDoubt = 0)
{
    /// <summary>Nothing left to settle: reached, and no order or symbol waiting on an order in doubt.</summary>
    public bool Settled => Reached && Pending.Count == 0 && InDoubt == 0;

    public bool PositionsMatch => Reached && Differences.Count == 0;

    /// <summary>Each compared currency's cash, venue beside engine, in that currency (empty when cash was not compared).</summary>
    public IReadOnlyList<CashComparison> Cash { get; init; } = [];

    /// <summary>
    /// The reconciliation line's cash part: each currency's figures in that currency, e.g. "cash KRW 49860000 matches,
    /// USD set to the venue's 12333.33 USD (engine had 12345.67 USD: …)".
    /// </summary>
    public string DescribeCash() => "cash " + string.Join(", ", Cash.Select(c => c.Matches
        ? string.Create(CultureInfo.InvariantCulture, $"{c.Currency} {c.Venue:0.##} matches")
        : string.Create(CultureInfo.InvariantCulture, $"{c.Currency} set to the venue's {c.Venue:0.##} {c.Currency} (engine had {c.Engine:0.##} {c.Currency}: fees or interest the fill reports did not carry)")));
}

/// <summary>
/// Compares the engine's book with the venue's — at start-up after a journal recovery, and after
/// every reconnect — and settles what it can:
/// <list type="number">
/// <item>the gateway reads the venue's orders: fills and ends the daemon missed become execution
/// reports (cumulative, so nothing is counted twice), orders in doubt are looked for;</item>
/// <item>the venue's positions are compared with the engine's, net of what the account held
/// before the journal's first start (<see cref="VenueBaseline"/>); a difference that persists over
/// <see cref="Attempts"/> reads cannot be explained: the kill switch is engaged (trading pauses,
/// open orders are canceled) and a CRITICAL line asks a person to check and release it;</item>
/// <item>when positions match, the engine's cash is set to the venue's (the venue is the book of
/// record for cash: fees and interest are not in the fill reports) — a journaled command, so a
/// replay reaches the same cash. Per currency (issue 19, <see cref="CashCurrencies"/>): each of the
/// venue's currencies is compared with the engine's cash in that currency and adjusted in it, never
/// converted (KIS: its KRW D+2 figure with the engine's KRW, its USD deposit with the engine's USD).</item>
/// </list>
/// Symbols with an order still in doubt are compared once none is (a later run); a reconnect of
/// the broker (<see cref="VenueBrokerGateway.Reconnected"/>) runs one too. While trading, positions
/// are also compared every <see cref="CheckInterval"/> (<see cref="StartPeriodicChecks"/>) at a quiet
/// moment — no order open or in doubt, trading not paused — so a position that drifts from the
/// venue without any order (a transfer, a manual trade another way) pauses trading as well; those
/// checks leave cash alone.
/// </summary>
/// <remarks>Slow path; one reconciliation at a time.</remarks>
public sealed class VenueReconciler : IDisposable
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Reconciliation");

    private readonly TradingEngine _engine;
    private readonly VenueBrokerGateway _gateway;
    private readonly IVenueClient _client;
    private readonly IReadOnlyDictionary<string, decimal> _baseline;
    private readonly Func<long> _eventTimeNs;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly SnapshotCopy _copy = new();
    private int _requested;
    private int _checking;
    private ITimer? _checks;
    private long _runs;
    private long _pauses;

    /// <summary>
    /// A reconciler of <paramref name="engine"/> with <paramref name="client"/>'s venue through <paramref name="gateway"/>.
    /// <paramref name="baseline"/>: venue positions that are not the engine's (held before the journal's first start);
    /// <paramref name="eventTimeNs"/>: the time commands carry into the engine (the latest market event time).
    /// </summary>
    public VenueReconciler(TradingEngine engine, VenueBrokerGateway gateway, IVenueClient client, IReadOnlyDictionary<string, decimal> baseline, Func<long> eventTimeNs, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(eventTimeNs);
        _engine = engine;
        _gateway = gateway;
        _client = client;
        _baseline = baseline;
        _eventTimeNs = eventTimeNs;
        _time = time ?? TimeProvider.System;
        _gateway.Reconnected += OnReconnected;
        _gateway.DoubtResolved += OnDoubtResolved;
    }

    /// <summary>Reads of both books before a difference is taken as real (fills between two reads explain a passing one).</summary>
    public int Attempts { get; init; } = 4;

    /// <summary>How often positions are compared while trading (<see cref="StartPeriodicChecks"/>); zero: never.</summary>
    public TimeSpan CheckInterval { get; init; }

    /// <summary>
    /// The symbols this venue trades, when the process trades through several venues (issue 19): only their
    /// positions are compared. Null = every symbol of the engine (one venue).
    /// </summary>
    public IReadOnlyCollection<string>? Symbols { get; init; }

    /// <summary>
    /// Whether the venue's cash is compared with the engine's and, when it differs, adjusted to (per currency:
    /// <see cref="CashCurrencies"/>). False when none of its currencies is this venue's to correct.
    /// </summary>
    public bool CompareCash { get; init; } = true;

    /// <summary>
    /// Issue 19, money per currency: the venue currencies (ISO code, as in <see cref="VenueHoldings.CashByCurrency"/>)
    /// whose cash this venue is the engine's book of record for, each with the engine currency id it is compared
    /// with and adjusted in. Null: the venue's one figure (<see cref="VenueHoldings.Cash"/>) with the base
    /// currency's, as before. Ignored when <see cref="CompareCash"/> is false.
    /// </summary>
    public IReadOnlyDictionary<string, int>? CashCurrencies { get; init; }

    /// <summary>Pause between two attempts.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait for the engine to publish its picture of the account.</summary>
    public TimeSpan EngineTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Reconciliations run.</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>Times a difference paused trading.</summary>
    public long Pauses => Interlocked.Read(ref _pauses);

    /// <summary>The latest result (null before the first).</summary>
    public ReconciliationResult? Last { get; private set; }

    /// <summary>Raised after positions differed from the venue's and trading was paused (kill switch engaged).</summary>
    public event Action<ReconciliationResult>? Paused;

    /// <summary>Runs a reconciliation in the background (after a reconnect); requests while one runs coalesce into one more.</summary>
    public void Request(string why)
    {
        if (Interlocked.Exchange(ref _requested, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                Volatile.Write(ref _requested, 0);
                await ReconcileAsync(why, CancellationToken.None).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // the session stopped while this one waited its turn
            }
            catch (Exception ex)
            {
                s_logger.Error(ex, "Reconciliation ({0}, {1}) failed", _gateway.VenueName, why);
            }
        });
    }

    /// <summary>One reconciliation (see the class remarks); logs its outcome in one line starting with "Reconciliation".</summary>
    public Task<ReconciliationResult> ReconcileAsync(string why, CancellationToken cancellationToken) => ReconcileAsync(why, periodic: false, cancellationToken);

    /// <summary>Starts the periodic position checks (every <see cref="CheckInterval"/>, if set); after the start-up reconciliation.</summary>
    public void StartPeriodicChecks()
    {
        if (CheckInterval > TimeSpan.Zero)
        {
            _checks ??= _time.CreateTimer(static state => ((VenueReconciler)state!).OnCheckDue(), this, CheckInterval, CheckInterval);
        }
    }

    /// <summary>Only at a quiet moment: an order in flight or in doubt explains a passing difference, and a paused engine was already told (stops the engine holds are at no venue: they explain nothing).</summary>
    private bool Quiet => _engine.Orders.OpenCount - _engine.OrderManager.HeldOrders == 0 && _gateway.OrdersInDoubt == 0 && !_engine.Risk.KillSwitchEngaged;

    private void OnCheckDue()
    {
        if (!Quiet || Interlocked.Exchange(ref _checking, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await ReconcileAsync("periodic check", periodic: true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // the session stopped meanwhile
            }
            catch (Exception ex)
            {
                s_logger.Error(ex, "Reconciliation ({0}, periodic check) failed", _gateway.VenueName);
            }
            finally
            {
                Volatile.Write(ref _checking, 0);
            }
        });
    }

    private async Task<ReconciliationResult> ReconcileAsync(string why, bool periodic, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (periodic && !Quiet)
            {
                return Last ?? new ReconciliationResult(false, [], [], 0, 0, 0); // trading resumed (or paused) while it waited its turn
            }

            Interlocked.Increment(ref _runs);
            ReconciliationResult result = await CompareAsync(cancellationToken).ConfigureAwait(false);
            result = result with { InDoubt = _gateway.OrdersInDoubt };
            Last = result;
            Report(why, result, periodic);
            if (result.Reached && !result.Settled && _gateway.OrdersInDoubt == 0)
            {
                Request("orders in doubt settled"); // they settled while this one ran
            }

            return result;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<ReconciliationResult> CompareAsync(CancellationToken cancellationToken)
    {
        ReconciliationResult? result = null;
        long fillsBefore = _gateway.RecoveredFillReports;
        for (int attempt = 1; attempt <= Attempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(Settle, _time, cancellationToken).ConfigureAwait(false);
            }

            if (!await _gateway.PollNowAsync(cancellationToken).ConfigureAwait(false))
            {
                return new ReconciliationResult(false, [], [], 0, 0, _gateway.RecoveredFillReports - fillsBefore);
            }

            VenueHoldings holdings;
            try
            {
                holdings = await _client.GetHoldingsAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is VenueTransientException or HttpRequestException or TimeoutException or VenueAuthenticationException)
            {
                s_logger.Warn("Reconciliation ({0}): could not read the account ({1})", _gateway.VenueName, ex.Message);
                return new ReconciliationResult(false, [], [], 0, 0, _gateway.RecoveredFillReports - fillsBefore);
            }

            // Fills the venue booked before its holdings were read reach the engine before its picture is taken.
            await _gateway.PollNowAsync(cancellationToken).ConfigureAwait(false);
            await ReadEngineAsync(cancellationToken).ConfigureAwait(false);

            HashSet<int> inDoubt = _gateway.SymbolsInDoubt();
            var differences = new List<PositionDifference>();
            var pending = new List<string>();
            for (int id = 0; id < _engine.Symbols.Count; id++)
            {
                string symbol = _engine.Symbols.GetName(id);
                if (Symbols is { } mine && !mine.Contains(symbol))
                {
                    continue; // another venue's symbol: its own reconciler compares it
                }

                decimal engine = _engine.Instruments.Units.ToDecimal(id, _copy.Quantity[id]); // shares, as the venue counts them (issue 19)
                decimal venue = holdings.PositionOf(symbol) - _baseline.GetValueOrDefault(symbol);
                if (engine == venue)
                {
                    continue;
                }

                if (inDoubt.Contains(id))
                {
                    pending.Add(symbol);
                }
                else
                {
                    differences.Add(new PositionDifference(symbol, engine, venue));
                }
            }

            List<CashComparison> cash = CompareCashOf(holdings);
            decimal engineCash = cash.Count > 0 ? cash[0].Engine : FixedPoint.ToDecimal(_copy.CashRaw);
            result = new ReconciliationResult(true, differences, pending, cash.Count > 0 ? cash[0].Venue : engineCash, engineCash, _gateway.RecoveredFillReports - fillsBefore) { Cash = cash };
            if (differences.Count == 0)
            {
                break;
            }
        }

        return result!;
    }

    /// <summary>The cash figures compared: per currency of <see cref="CashCurrencies"/>, else the one figure with the base's.</summary>
    private List<CashComparison> CompareCashOf(VenueHoldings holdings)
    {
        if (!CompareCash)
        {
            return [];
        }

        Currencies currencies = _engine.Portfolio.Currencies;
        if (CashCurrencies is null)
        {
            return [new CashComparison(currencies.Code(Currencies.Base), holdings.Cash, FixedPoint.ToDecimal(_copy.CashRaw))];
        }

        var compared = new List<CashComparison>(CashCurrencies.Count);
        foreach ((string code, int currencyId) in CashCurrencies.OrderBy(c => c.Value))
        {
            decimal? venue = holdings.CashByCurrency is { } byCurrency ? byCurrency.TryGetValue(code, out decimal figure) ? figure : null : holdings.Cash;
            if (venue is { } v && (uint)currencyId < (uint)_copy.CashRawByCurrency.Length)
            {
                compared.Add(new CashComparison(code, v, FixedPoint.ToDecimal(_copy.CashRawByCurrency[currencyId])));
            }
        }

        return compared;
    }

    /// <summary>
    /// Publishes the measured difference of one currency's cash: the base's as <see cref="CommandKind.AdjustCash"/>,
    /// another's as <see cref="CommandKind.AdjustCurrencyCash"/> naming one of this venue's symbols kept in it.
    /// </summary>
    private void AdjustCash(CashComparison c)
    {
        long delta = FixedPoint.FromDecimal(c.Venue) - FixedPoint.FromDecimal(c.Engine);
        int currencyId = CashCurrencies is { } map && map.TryGetValue(c.Currency, out int id) ? id : Currencies.Base;
        if (currencyId == Currencies.Base)
        {
            _engine.PublishCommand(CommandKind.AdjustCash, delta, _eventTimeNs());
            return;
        }

        for (int s = 0; s < _engine.Symbols.Count; s++)
        {
            if (_engine.Portfolio.Currencies.Of(s) == currencyId && (Symbols is null || Symbols.Contains(_engine.Symbols.GetName(s))))
            {
                _engine.PublishCommand(CommandKind.AdjustCurrencyCash, delta, _eventTimeNs(), s);
                return;
            }
        }

        s_logger.Warn("Reconciliation ({0}): no symbol of this venue is kept in {1}, so its cash was not adjusted", _gateway.VenueName, c.Currency);
    }

    /// <summary>Asks the trading thread for its picture of the account (after every report published so far) and copies it.</summary>
    private async Task ReadEngineAsync(CancellationToken cancellationToken)
    {
        long before = _engine.Snapshot.Version;
        _engine.RequestSnapshot(_eventTimeNs());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(EngineTimeout);
        while (_engine.Snapshot.Version <= before)
        {
            await Task.Delay(2, timeout.Token).ConfigureAwait(false); // slow path: within a few events
        }

        _engine.Snapshot.Read(_copy);
    }

    public void Dispose()
    {
        _checks?.Dispose();
        _gateway.Reconnected -= OnReconnected;
        _gateway.DoubtResolved -= OnDoubtResolved;
        _oneAtATime.Dispose();
    }

    private void OnReconnected() => Request("broker reachable again");

    /// <summary>Once no order is in doubt, what the last reconciliation left waiting can be settled.</summary>
    private void OnDoubtResolved()
    {
        if (_gateway.OrdersInDoubt == 0 && Last is { Reached: true, Settled: false })
        {
            Request("orders in doubt settled");
        }
    }

    private void Report(string why, ReconciliationResult result, bool periodic)
    {
        string venue = _gateway.VenueName;
        if (!result.Reached && periodic)
        {
            s_logger.Debug("Reconciliation ({0}, {1}): the venue could not be read", venue, why); // the gateway's own health says so; not every interval
            return;
        }

        if (!result.Reached)
        {
            s_logger.Warn("Reconciliation ({0}, {1}): the venue could not be read; it runs again when the broker answers", venue, why);
            return;
        }

        string fills = result.RecoveredFills == 0 ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $"; {result.RecoveredFills} fills of recovered orders applied");
        string pending = result.Pending.Count > 0 ? "; waiting for orders in doubt in " + string.Join(", ", result.Pending)
            : result.InDoubt > 0 ? string.Create(CultureInfo.InvariantCulture, $"; {result.InDoubt} orders still in doubt (their symbols pause until the venue's records settle them)")
            : string.Empty;
        if (result.Differences.Count > 0)
        {
            Interlocked.Increment(ref _pauses);
            _engine.PublishCommand(CommandKind.EngageKillSwitch, 0, _eventTimeNs());
            s_logger.Fatal("Reconciliation ({0}, {1}): positions differ from the venue's — {2}{3}{4}; TRADING PAUSED (kill switch engaged, open orders canceled): a person must check the account and release the kill switch",
                venue, why, string.Join(", ", result.Differences.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Symbol} engine {d.Engine} venue {d.Venue}"))), fills, pending);
            Paused?.Invoke(result);
            return;
        }

        if (periodic)
        {
            s_logger.Debug("Reconciliation ({0}, {1}): positions match the venue", venue, why); // every interval: not for the operator's log
            return;
        }

        // The venue is the book of record for cash; journaled, so a replay reaches the same figure.
        // Not while an order is in doubt: its fills may be in the venue's cash and not yet in ours.
        // The difference, not the figure: both were read at one consistent moment (positions equal),
        // and a fill the engine applies before the command arrives must keep its cash. Per currency,
        // in that currency (issue 19): a USD difference is adjusted in USD, never through a rate.
        if (result.Pending.Count == 0)
        {
            foreach (CashComparison c in result.Cash)
            {
                if (!c.Matches)
                {
                    AdjustCash(c);
                }
            }
        }

        string cash = !CompareCash ? "cash not compared (no currency of this venue's is the engine's to correct: another venue reports it too, or the account keeps no figure for it)"
            : result.Pending.Count > 0 ? "cash compared once they settle"
            : result.DescribeCash();
        bool cashMoved = result.Pending.Count == 0 && result.Cash.Any(c => !c.Matches);
        if (result.RecoveredFills > 0 || cashMoved || pending.Length > 0)
        {
            s_logger.Warn("Reconciliation ({0}, {1}): positions match the venue; {2}{3}{4}", venue, why, cash, fills, pending);
        }
        else
        {
            s_logger.Info("Reconciliation ({0}, {1}): positions match the venue; {2}", venue, why, cash);
        }
    }
}
