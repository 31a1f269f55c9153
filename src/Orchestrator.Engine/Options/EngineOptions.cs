using Orchestrator.Engine.Ring;

namespace Orchestrator.Engine.Options;

/// <summary>Everything the trading engine needs, bound and validated before start.</summary>
public sealed record EngineOptions
{
    /// <summary>The watch list; symbol ids are indexes into it.</summary>
    public IReadOnlyList<string> Symbols { get; init; } = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL"];

    public decimal StartingCash { get; init; } = 100_000m;

    /// <summary>
    /// Configured instruments by symbol (daemon.yaml <c>instruments:</c>, issue 19); symbols not named here
    /// get <see cref="Orchestrator.Core.InstrumentInfo.Default"/> (six digits = KRX in KRW, otherwise NYSE calendar in USD).
    /// </summary>
    public IReadOnlyDictionary<string, Orchestrator.Core.InstrumentInfo>? Instruments { get; init; }

    /// <summary>
    /// What the venues said about short sales at start-up, by symbol (issue 19; Alpaca's assets): it narrows the
    /// configured rule, never widens it (<see cref="Orchestrator.Core.VenueBorrow"/>, <see cref="State.ShortRules"/>).
    /// Null or a missing symbol = the configuration alone.
    /// </summary>
    public IReadOnlyDictionary<string, Orchestrator.Core.VenueBorrow>? VenueBorrow { get; init; }

    /// <summary>
    /// Sessions by each symbol's exchange calendar (<see cref="Orchestrator.Core.Calendars.ExchangeCalendars"/>:
    /// KRX in KST, NYSE/Nasdaq in New York time with DST, holidays and half days) instead of the UTC
    /// <see cref="RiskOptions.SessionStartUtc"/> window: risk refuses or lets queue an order outside its
    /// exchange's session by its time in force, and the paper venue expires Day orders at the exchange's
    /// close (daemon.yaml <c>calendars: exchange</c>). False = the UTC rules (the default).
    /// </summary>
    public bool UseExchangeCalendars { get; init; }

    /// <summary>
    /// The venue of symbols <see cref="Instruments"/> does not name (the broker adapter: "paper", "kis",
    /// "alpaca"); it decides their <see cref="Orchestrator.Core.VenueCapabilities"/> (issue 19).
    /// </summary>
    public string DefaultVenue { get; init; } = "paper";

    /// <summary>
    /// Whether order groups' exits go to venues that hold brackets themselves (Alpaca's bracket/oto, issue 19) — the
    /// default, so they protect the position while the daemon is down — or are held by the engine everywhere
    /// (false: <c>broker_config.yaml</c> <c>alpaca.exits: engine</c>).
    /// </summary>
    public bool VenueHeldGroups { get; init; } = true;

    /// <summary>
    /// Journal every input event here before the trading handlers see it (null = no journal). A
    /// torn last record from a crash is cut at start-up.
    /// </summary>
    public string? JournalDirectory { get; init; }

    /// <summary>Segment size, buffer, fsync policy and whether market data is journaled.</summary>
    public Journal.JournalOptions Journal { get; init; } = new();

    /// <summary>How money is shown in audit lines ("$", "₩", or a code and a space).</summary>
    public string CurrencySymbol { get; init; } = "$";

    public RiskOptions Risk { get; init; } = new();

    public SizingOptions Sizing { get; init; } = new();

    public ExitOptions Exits { get; init; } = new();

    public RuleOptions Rules { get; init; } = new();

    /// <summary>
    /// Per-source limits (max position, orders per minute, symbols) checked by the risk manager
    /// after the account-wide ones; empty = none. Fixed for the engine's life (not live-adjustable).
    /// </summary>
    public IReadOnlyList<AgentLimit> AgentLimits { get; init; } = [];

    /// <summary>
    /// Consolidation groups (<see cref="State.SignalConsolidator"/>): symbols whose outside signals are
    /// consolidated before risk; a symbol in no group passes through. Fixed for the engine's life.
    /// </summary>
    public IReadOnlyList<ConsolidationGroup> Consolidation { get; init; } = [];

    /// <summary>Inbound ring slots (power of two).</summary>
    public int InboundBufferSize { get; init; } = 1 << 14;

    /// <summary>Outbound (orders to the gateway) ring slots (power of two).</summary>
    public int OutboundBufferSize { get; init; } = 1 << 12;

    /// <summary>
    /// How the pipeline threads wait. <see cref="WaitStrategyKind.SpinThenPark"/> by default (2-core
    /// friendly): spins while events come close together, parks when they do not, so neither an
    /// idle daemon burns a core nor each tick at a few hundred per second pays a futex wake-up.
    /// </summary>
    public WaitStrategyKind WaitStrategy { get; init; } = WaitStrategyKind.SpinThenPark;

    /// <summary>
    /// How the broker gateway waits on the outbound ring; null = as the pipeline. Measured on
    /// 2 cores: a blocking gateway behind a yielding pipeline lowers tick→order p99 (fewer
    /// spinning threads) but at 100,000 orders/s the wake-up on every hand-off costs the
    /// engine more than it saves, so the default follows the pipeline.
    /// </summary>
    public WaitStrategyKind? GatewayWaitStrategy { get; init; }

    /// <summary>
    /// False (default): signal engine, risk, sizing and order manager share one thread.
    /// True: the signal engine gets a thread of its own, pipelined before the other three.
    /// </summary>
    public bool Pipelined { get; init; }

    /// <summary>Optional CPU cores for the pipeline threads (signal engine first). Empty = unpinned.</summary>
    public IReadOnlyList<int> CpuCores { get; init; } = [];

    /// <summary>
    /// Client order ids are this plus a counter (<see cref="State.OrderStore"/>). The daemon sets it from
    /// the clock at each run (<see cref="State.OrderStore.BaseFromClock"/>) so ids never repeat across
    /// runs; with a journal, the base recorded at the journal's first start wins
    /// (<see cref="Journal.JournalOrderIdBase"/>), so recovery and replay rebuild the same ids.
    /// </summary>
    public long OrderIdBase { get; init; } = State.OrderStore.LegacyBase;

    /// <summary>Capacity of the order table (live + recently finished orders).</summary>
    public int OrderCapacity { get; init; } = 1 << 16;

    /// <summary>Commission estimate used for buying-power checks, in basis points of notional.</summary>
    public long CommissionEstimateBps { get; init; } = 5;

    /// <summary>
    /// In-process strategies the engine's strategy host runs (fast path on the trading thread, slow
    /// path on a worker). Names are unique; every symbol must be
    /// in <see cref="Symbols"/>. The same instances run live and in a backtest built from these options.
    /// </summary>
    public IReadOnlyList<Orchestrator.Strategies.StrategyRegistration> Strategies { get; init; } = [];

    /// <summary>
    /// ISO 4217 code of the account's base currency (myStockInfo.yaml <c>base_currency</c>): <see cref="StartingCash"/>,
    /// equity, the daily loss and the sizing limits (max order notional) are in it (issue 19).
    /// </summary>
    public string BaseCurrency { get; init; } = "USD";

    /// <summary>
    /// Currency code → base-currency units one unit is worth (daemon.yaml <c>account.fx_rates</c>, e.g. KRW: 0.00075
    /// with a USD base). Each currency named here keeps its own cash, buying power and P&amp;L; an instrument's
    /// currency not named here (nor the base) is booked in the base currency. Null/empty = one currency.
    /// </summary>
    public IReadOnlyDictionary<string, decimal>? FxRates { get; init; }

    /// <summary>Cash at the start in currencies other than the base (daemon.yaml <c>account.starting_cash</c>); each needs an FX rate.</summary>
    public IReadOnlyDictionary<string, decimal>? StartingCashByCurrency { get; init; }
}
