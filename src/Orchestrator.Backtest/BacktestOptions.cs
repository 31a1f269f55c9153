using Orchestrator.Adapters.Paper;
using Orchestrator.Engine.Options;

namespace Orchestrator.Backtest;

/// <summary>How the events reach the handlers.</summary>
public enum BacktestMode
{
    /// <summary>The handlers called in order on the caller's thread: fastest, deterministic.</summary>
    SingleThread = 0,

    /// <summary>
    /// Through the real rings and threads (the live engine's wiring), one market event at a time
    /// until the engine is quiet: slower, and the check that the rings change nothing.
    /// </summary>
    Ring,
}

/// <summary>A recorded signal replayed into a backtest.</summary>
/// <param name="TsNs">When it was given (ns since the Unix epoch).</param>
/// <param name="Symbol">The symbol.</param>
/// <param name="Side">Buy or sell.</param>
/// <param name="Confidence">0..1.</param>
/// <param name="PriceRaw">Reference or limit price (fixed point), 0 for none.</param>
/// <param name="Source">The agent that gave it (null = "recorded signals"): the report's <c>agents</c> count it under this name.</param>
public sealed record RecordedSignal(long TsNs, string Symbol, Core.Side Side, decimal Confidence, long PriceRaw, string? Source = null)
{
    /// <summary>Protective exits recorded with the signal (issue 19); none by default.</summary>
    public Core.ProtectiveExits Exits { get; init; }
}

/// <summary>Progress of a running backtest.</summary>
/// <param name="MarketEvents">Market events processed so far.</param>
/// <param name="TsNs">Event time reached.</param>
/// <param name="Fraction">Share of the input consumed (0..1), when the source knows its size; otherwise -1.</param>
public readonly record struct BacktestProgress(long MarketEvents, long TsNs, double Fraction);

/// <summary>What a backtest runs with.</summary>
public sealed record BacktestOptions
{
    /// <summary>Symbols, starting cash, risk, sizing, exits and the built-in rules.</summary>
    public required EngineOptions Engine { get; init; }

    /// <summary>The paper venue's fill model: slippage, commission.</summary>
    public required PaperExchangeOptions Paper { get; init; }

    /// <summary>First event time included (ns; inclusive).</summary>
    public long FromNs { get; init; } = long.MinValue;

    /// <summary>First event time excluded (ns; exclusive).</summary>
    public long ToNs { get; init; } = long.MaxValue;

    /// <summary>
    /// Warm-up (single-thread mode): market events from this time (inclusive) to <see cref="FromNs"/> reach the engine's
    /// market state, indicators, bars and rules (<see cref="Orchestrator.Engine.TradingEngine.WarmUpInline"/>), with no signal, order, fill or
    /// equity point, so the rules are warm at <see cref="FromNs"/> and the run still starts flat from the starting cash.
    /// None by default (any time at or after <see cref="FromNs"/>). In-process strategies start at <see cref="FromNs"/>.
    /// </summary>
    public long WarmUpFromNs { get; init; } = long.MaxValue;

    /// <summary>The first event time a source must give: the warm-up's start, or <see cref="FromNs"/> without one.</summary>
    public long FirstNs => Math.Min(WarmUpFromNs, FromNs);

    public BacktestMode Mode { get; init; } = BacktestMode.SingleThread;

    /// <summary>Recorded signals replayed at their times (sorted by time).</summary>
    public IReadOnlyList<RecordedSignal> Signals { get; init; } = [];

    /// <summary>Reported every <see cref="ProgressEvery"/> market events.</summary>
    public IProgress<BacktestProgress>? Progress { get; init; }

    public long ProgressEvery { get; init; } = 1_000_000;
}
