using Orchestrator.Core;

namespace Orchestrator.Strategies;

/// <summary>A (partial) fill of one of the strategy's own orders. Prices and commission are fixed-point raw units.</summary>
public readonly struct Fill
{
    public Fill(long clientOrderId, long signalId, int symbolId, Side side, long quantity, long priceRaw, long commissionRaw, long leavesQuantity, long tsEventNs)
    {
        ClientOrderId = clientOrderId;
        SignalId = signalId;
        SymbolId = symbolId;
        Side = side;
        Quantity = quantity;
        PriceRaw = priceRaw;
        CommissionRaw = commissionRaw;
        LeavesQuantity = leavesQuantity;
        TsEventNs = tsEventNs;
    }

    public long ClientOrderId { get; }

    public long SignalId { get; }

    public int SymbolId { get; }

    public Side Side { get; }

    /// <summary>Shares filled by this report (positive).</summary>
    public long Quantity { get; }

    public long PriceRaw { get; }

    public long CommissionRaw { get; }

    /// <summary>Shares still open on the order after this fill (0 = the order is done).</summary>
    public long LeavesQuantity { get; }

    public long TsEventNs { get; }
}
