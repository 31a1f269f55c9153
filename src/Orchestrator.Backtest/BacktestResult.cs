using Orchestrator.Core;

namespace Orchestrator.Backtest;

/// <summary>The account at one moment of a backtest: one point of the equity curve.</summary>
/// <param name="TsNs">Event time, ns since the Unix epoch.</param>
/// <param name="EquityRaw">Cash plus positions at their last prices (fixed point).</param>
/// <param name="CashRaw">Cash (fixed point).</param>
/// <param name="GrossExposureRaw">Sum of |position value| over symbols (fixed point): exposure.</param>
/// <param name="BenchmarkRaw">The buy-and-hold benchmark's value at the same moment (fixed point; <see cref="BuyAndHoldBenchmark"/>); 0 when the result has none (<see cref="BacktestResult.HasBenchmark"/>).</param>
public readonly record struct EquityPoint(long TsNs, long EquityRaw, long CashRaw, long GrossExposureRaw, long BenchmarkRaw = 0);

/// <summary>One fill in a backtest.</summary>
/// <param name="TsNs">Event time of the fill.</param>
/// <param name="Symbol">The symbol.</param>
/// <param name="Side">Buy or sell.</param>
/// <param name="Quantity">Filled, in the symbol's units (10^−<paramref name="QuantityDecimals"/> of a share, issue 19).</param>
/// <param name="PriceRaw">Fill price (fixed point).</param>
/// <param name="CommissionRaw">Commission charged (fixed point).</param>
/// <param name="ClientOrderId">The engine's order id.</param>
/// <param name="QuantityDecimals">The symbol's quantity decimals (0 = whole shares): reports show <paramref name="Quantity"/> in shares.</param>
public readonly record struct FillRecord(long TsNs, string Symbol, Side Side, long Quantity, long PriceRaw, long CommissionRaw, long ClientOrderId, int QuantityDecimals = 0)
{
    /// <summary>The quantity in shares.</summary>
    public decimal Shares => Quantities.ToDecimal(Quantity, QuantityDecimals);
}

/// <summary>One order the engine sent to the venue in a backtest.</summary>
/// <param name="TsNs">Event time of the input that made it.</param>
/// <param name="Symbol">The symbol.</param>
/// <param name="Side">Buy or sell.</param>
/// <param name="OrderType">Market, limit, stop or stop-limit.</param>
/// <param name="Quantity">In the symbol's units (10^−<paramref name="QuantityDecimals"/> of a share, issue 19).</param>
/// <param name="LimitPriceRaw">Limit price (fixed point; 0 = none).</param>
/// <param name="StopPriceRaw">Stop price (fixed point; 0 = none).</param>
/// <param name="ClientOrderId">The engine's order id.</param>
/// <param name="QuantityDecimals">The symbol's quantity decimals (0 = whole shares).</param>
public readonly record struct OrderSent(long TsNs, string Symbol, Side Side, OrderType OrderType, long Quantity, long LimitPriceRaw, long StopPriceRaw, long ClientOrderId, int QuantityDecimals = 0)
{
    /// <summary>The quantity in shares.</summary>
    public decimal Shares => Quantities.ToDecimal(Quantity, QuantityDecimals);
}

/// <summary>
/// What a backtest produced, before any statistic: the equity curve (one point per distinct
/// event time at which the account could change, plus the start), every fill, and the run's
/// counters. <c>BacktestMetrics</c> turns it into the report's figures.
/// </summary>
public sealed record BacktestResult
{
    public required IReadOnlyList<string> Symbols { get; init; }

    /// <summary>Cash at the start in the base currency (a backtest's: every currency's cash at its FX rate).</summary>
    public required decimal StartingCash { get; init; }

    public required IReadOnlyList<EquityPoint> Equity { get; init; }

    /// <summary>
    /// Per symbol, in the order of <see cref="Symbols"/>: base-currency units one unit of the symbol's
    /// currency is worth (the account's configured FX rate; 1 for the base). Empty = every symbol in the
    /// base currency. The report's totals (fees, realized P&amp;L, gross profit and loss) add each symbol's
    /// money at this rate; per-symbol figures stay in the symbol's own currency.
    /// </summary>
    public IReadOnlyList<decimal> BaseRates { get; init; } = [];

    /// <summary>Whether <see cref="EquityPoint.BenchmarkRaw"/> holds the buy-and-hold benchmark (a backtest's result does; a hand-made or live curve may not).</summary>
    public bool HasBenchmark { get; init; }

    public required IReadOnlyList<FillRecord> Fills { get; init; }

    /// <summary>Every order sent to the venue, in the order sent.</summary>
    public IReadOnlyList<OrderSent> Orders { get; init; } = [];

    /// <summary>Input events processed (market data, signals, execution reports).</summary>
    public required long Events { get; init; }

    /// <summary>Market data events (bars or ticks) in the tested range.</summary>
    public required long MarketEvents { get; init; }

    /// <summary>Wall time of the engine's run over the events, seconds (not part of the deterministic report body).</summary>
    public required double ElapsedSeconds { get; init; }

    /// <summary>Wall time before the engine's run: configuration, reading the data, setting the engine up (the caller sets it; 0 when not measured), seconds.</summary>
    public double LoadSeconds { get; init; }

    /// <summary>Wall time spent on the report after the run (metrics, files, chart; the caller sets it), seconds.</summary>
    public double ReportSeconds { get; init; }

    /// <summary>The whole run: load + engine + report, seconds.</summary>
    public double TotalSeconds => LoadSeconds + ElapsedSeconds + ReportSeconds;

    /// <summary>Signals and refusals, for the report.</summary>
    public required long Signals { get; init; }

    public required IReadOnlyDictionary<string, long> Rejects { get; init; }

    /// <summary>Positions still open at the end (symbol → shares), valued in the last equity point.</summary>
    public required IReadOnlyDictionary<string, long> OpenPositions { get; init; }

    /// <summary>Per agent (signal source, in order of first signal): counters and its own P&amp;L, as the engine's book has them.</summary>
    public IReadOnlyList<Engine.State.AgentFigures> Agents { get; init; } = [];
}
