using Orchestrator.Core;

namespace Orchestrator.Engine.State;

/// <summary>
/// The one fill rule for a position kept as a signed quantity and an exact signed cost basis,
/// shared by the account (<see cref="Portfolio"/>) and each agent's book (<see cref="AgentBook"/>)
/// so the two can never count P&amp;L differently: opening or adding adds the fill's notional;
/// closing removes the closed shares' pro-rata share of the basis (one truncation, never
/// compounded) and realizes the difference; a reversal opens the remainder at the fill price.
/// </summary>
internal static class PositionMath
{
    /// <summary>
    /// Applies a fill of <paramref name="fillQuantity"/> at <paramref name="priceRaw"/> whose
    /// notional is <paramref name="notionalRaw"/>; returns the realized P&amp;L it adds (raw). Quantities are in
    /// the symbol's units (<paramref name="unitsPerShare"/>, <see cref="Quantities"/>). A reversal's new basis is
    /// the fill's notional less the closing part's, so the fill moves cash and basis plus realized alike even
    /// when a fractional notional rounds. Allocation-free (trading thread).
    /// </summary>
    public static long ApplyFill(ref long position, ref long costRaw, Side side, long fillQuantity, long priceRaw, long notionalRaw, long unitsPerShare)
    {
        long signed = side == Side.Buy ? fillQuantity : -fillQuantity;
        long newPosition = position + signed;
        long realized = 0;
        if (position == 0 || Math.Sign(position) == Math.Sign(signed))
        {
            costRaw += side == Side.Buy ? notionalRaw : -notionalRaw; // opening or adding: exact
        }
        else
        {
            // Closing c shares removes their share of the cost basis (one truncation, never
            // compounded: the remaining basis is exactly what is left).
            long closing = Math.Min(Math.Abs(position), fillQuantity);
            long removed = (long)((Int128)costRaw * closing / Math.Abs(position));
            long closeFlow = closing == fillQuantity ? notionalRaw : Quantities.Notional(priceRaw, closing, unitsPerShare);
            realized = (position > 0 ? closeFlow : -closeFlow) - removed;
            costRaw -= removed;
            if (Math.Sign(newPosition) == -Math.Sign(position))
            {
                // Reversed: the remainder is a new position at this price.
                long remainder = notionalRaw - closeFlow; // = price × the remaining shares (exactly, with whole shares)
                costRaw = newPosition > 0 ? remainder : -remainder;
            }
        }

        position = newPosition;
        return realized;
    }

    /// <summary>|cost basis| per share: the average cost shown for a position (0 when flat).</summary>
    public static long AverageCost(long position, long costRaw, long unitsPerShare) => Quantities.PerShare(costRaw, position, unitsPerShare);

    /// <summary>Quantity × last − cost basis; 0 when flat or without a last price.</summary>
    public static long Unrealized(long position, long costRaw, long lastRaw, long unitsPerShare) =>
        position == 0 || lastRaw == 0 ? 0 : Quantities.SaturatingNotional(lastRaw, position, unitsPerShare) - costRaw;
}
