using Orchestrator.Core;
using Orchestrator.Engine.State;

namespace Orchestrator.Daemon.Control;

/// <summary>
/// The account in money (decimal from fixed point). Cash, realized and unrealized P&amp;L and commission are
/// the base currency's; equity and the P&amp;L figures against it are the whole account in the base currency
/// (issue 19); <see cref="Currencies"/> has each currency's own figures.
/// </summary>
public sealed record PortfolioSummary(decimal Cash, decimal Equity, decimal StartingCash, decimal DayPnl, decimal TotalPnl, decimal RealizedPnl, decimal UnrealizedPnl, decimal Commission)
{
    /// <summary>ISO 4217 code of the base currency.</summary>
    public string BaseCurrency { get; init; } = "USD";

    /// <summary>Every currency the account keeps, the base first.</summary>
    public IReadOnlyList<CurrencyFigures> Currencies { get; init; } = [];
}

/// <summary>
/// One currency's money, in that currency (issue 19): cash, cash plus its positions at their marks, realized and
/// unrealized P&amp;L of its symbols, commission, short exposure, and the FX rate (base-currency units per unit).
/// </summary>
public sealed record CurrencyFigures(string Currency, decimal FxRate, decimal Cash, decimal Equity, decimal RealizedPnl, decimal UnrealizedPnl, decimal Commission, decimal ShortExposure)
{
    /// <summary>Each currency of <paramref name="portfolio"/>, the base first (any thread: the figures are whole values, not one instant's picture).</summary>
    public static IReadOnlyList<CurrencyFigures> Of(Portfolio portfolio)
    {
        ArgumentNullException.ThrowIfNull(portfolio);
        Engine.State.Currencies c = portfolio.Currencies;
        var figures = new CurrencyFigures[c.Count];
        for (int id = 0; id < c.Count; id++)
        {
            figures[id] = new CurrencyFigures(
                c.Code(id),
                FixedPoint.ToDecimal(c.RateRaw(id)),
                FixedPoint.ToDecimal(portfolio.CashRawOf(id)),
                FixedPoint.ToDecimal(portfolio.EquityRawOf(id)),
                FixedPoint.ToDecimal(portfolio.RealizedRawOf(id)),
                FixedPoint.ToDecimal(portfolio.UnrealizedRawOf(id)),
                FixedPoint.ToDecimal(portfolio.CommissionRawOf(id)),
                FixedPoint.ToDecimal(portfolio.ShortExposureRaw(id)));
        }

        return figures;
    }
}
