using Orchestrator.Core;

namespace Orchestrator.Strategies;

/// <summary>
/// What a strategy may see and do, handed to <see cref="IStrategy.OnStart"/>. Read it only from the
/// strategy's own callbacks (the host's thread); every member is allocation-free.
/// </summary>
/// <remarks>
/// Positions and account figures are the engine's as of the event being handled (fast path), or
/// as of the moment of the read (slow path: they may be ahead of the queued event the strategy is
/// handling). With the engine pipelined, market figures and indicators are the signal engine's and
/// may already include later market data.
/// </remarks>
public interface IStrategyContext
{
    /// <summary>The strategy's name (its registration): orders, fills and audit lines carry it as their source.</summary>
    string Name { get; }

    /// <summary>The strategy's symbols, in registration order.</summary>
    IReadOnlyList<string> Symbols { get; }

    /// <summary>The engine's id of <paramref name="symbol"/> (as in <see cref="Tick.SymbolId"/>), or -1 when the engine does not trade it.</summary>
    int SymbolId(string symbol);

    /// <summary>The name of an engine symbol id.</summary>
    string SymbolName(int symbolId);

    /// <summary>The latest event time the host has seen, ns since the Unix epoch (never the wall clock).</summary>
    long EventTimeNs { get; }

    /// <summary>
    /// True while a journal replay (recovery, <c>replay</c>) runs the strategy to rebuild its state: the
    /// events already happened. A slow-path strategy's submits are suppressed then (its signals are in the
    /// journal), so it should skip costly or outside work whose only use is a signal (a model call, say);
    /// a fast-path strategy's orders are re-derived. False live and in backtests.
    /// </summary>
    bool IsReplaying { get; }

    /// <summary>
    /// The strategy's own position in shares (signed; from its own fills only). Every quantity here and in fills is in the
    /// symbol's quantity unit: whole shares unless its instrument has quantity_decimals (then 10^−decimals of a share, issue 19).
    /// </summary>
    long Position(int symbolId);

    /// <summary>
    /// The symbol's quantity unit (issue 19): quantities in this API count 10^−n of a share, n = its instrument's
    /// quantity_decimals (0, whole shares, unless the instrument trades fractions). A strategy that reasons in shares
    /// multiplies by 10^n before it submits.
    /// </summary>
    int QuantityDecimals(int symbolId) => 0;

    /// <summary>
    /// Start and end (exclusive) of the bar of <paramref name="timeframe"/> holding <paramref name="tsNs"/> for a symbol,
    /// as the host builds the strategy's bars (issue 20): on the epoch grid, or on the symbol's exchange session when the
    /// engine runs on exchange calendars (see <see cref="Timeframe"/>). For a bar a strategy forms itself from ticks
    /// (e.g. the forming bar shown beside the closed ones). The default is the epoch grid.
    /// </summary>
    (long StartNs, long EndNs) BarBounds(int symbolId, Timeframe timeframe, long tsNs)
    {
        long start = timeframe.BarStartNs(tsNs);
        return (start, start + timeframe.DurationNs);
    }

    /// <summary>The whole account's position in shares (signed; every source's fills).</summary>
    long AccountPosition(int symbolId);

    /// <summary>The account's average cost of its position, raw units (0 when flat).</summary>
    long AccountAvgCostRaw(int symbolId);

    /// <summary>The last trade price of a symbol, raw units (0 before the first).</summary>
    long LastPriceRaw(int symbolId);

    /// <summary>The account's cash, raw units.</summary>
    long CashRaw { get; }

    /// <summary>The account's equity (cash + marked positions), raw units.</summary>
    long EquityRaw { get; }

    /// <summary>The engine's indicators of a symbol.</summary>
    IndicatorValues Indicators(int symbolId);

    /// <summary>
    /// Sends a signal. Fast path: decided before this returns (risk, sizing, order manager).
    /// Slow path: published to the engine's ring and decided later. Never throws for a bad signal: the
    /// result says what happened.
    /// </summary>
    SubmitResult Submit(in StrategySignal signal);

    /// <summary>
    /// Changes the strategy's own open order <paramref name="orderId"/> (issue 19): its total quantity,
    /// limit price and/or stop price (raw units; 0 = unchanged). Risk re-checks an amend that adds
    /// quantity or moves the price; the result and <see cref="IStrategy.OnOrderUpdate"/> say what happened.
    /// </summary>
    SubmitResult Amend(int symbolId, long orderId, long quantity = 0, long limitPriceRaw = 0, long stopPriceRaw = 0) =>
        Submit(new StrategySignal { SymbolId = symbolId, Action = SignalAction.Amend, TargetOrderId = orderId, Quantity = quantity, LimitPriceRaw = limitPriceRaw, StopPriceRaw = stopPriceRaw });

    /// <summary>Cancels what is left of the strategy's own open order <paramref name="orderId"/> (issue 19).</summary>
    SubmitResult Cancel(int symbolId, long orderId) =>
        Submit(new StrategySignal { SymbolId = symbolId, Action = SignalAction.Cancel, TargetOrderId = orderId });

    /// <summary>
    /// Asks for <see cref="IStrategy.OnTimer"/> once event time reaches <paramref name="dueEventTimeNs"/>:
    /// it fires after the first event at or after it — any event the engine handles for a fast-path
    /// strategy (and in backtests), the strategy's own queued events for a slow-path one.
    /// False when the strategy already has <see cref="MaxTimers"/> pending.
    /// </summary>
    bool SetTimer(long dueEventTimeNs);

    /// <summary>Drops every pending timer of the strategy.</summary>
    void CancelTimers();

    /// <summary>How many timers a strategy may have pending at once.</summary>
    int MaxTimers { get; }
}
