namespace Orchestrator.Core;

/// <summary>
/// Client order ids for the legs a venue creates itself (issue 19): the take-profit and stop-loss of an
/// Alpaca bracket/oto, the stop leg of an oco. The engine never sent them, so they have no id of its own;
/// the broker gateway reports their acceptance, fills and cancels under an id derived from the group's
/// (the entry's, or the exit's for an oco) and the leg's role — the same id every time, so replay and
/// recovery find the same leg.
/// </summary>
/// <remarks>
/// Engine ids are positive and below 2^62 (<c>OrderStore.MaxBase</c> plus a counter), which leaves the
/// sign and bit 62 for the role: take-profit = id | 2^62, stop-loss = −id, trailing stop = −(id | 2^62).
/// The four ranges never overlap, so a leg id is never an engine id nor another leg's. Stateless.
/// </remarks>
public static class NativeLegIds
{
    private const long RoleBit = 1L << 62;

    /// <summary>The id of <paramref name="groupId"/>'s leg in <paramref name="role"/> (take-profit, stop-loss or trailing stop).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The group id is not an engine id, or the role is not an exit's.</exception>
    public static long Of(long groupId, OrderGroupRole role)
    {
        if (groupId <= 0 || groupId >= RoleBit)
        {
            throw new ArgumentOutOfRangeException(nameof(groupId), groupId, "an engine client order id is positive and below 2^62");
        }

        return role switch
        {
            OrderGroupRole.TakeProfit => groupId | RoleBit,
            OrderGroupRole.StopLoss => -groupId,
            OrderGroupRole.TrailingStop => -(groupId | RoleBit),
            _ => throw new ArgumentOutOfRangeException(nameof(role), role, "only exits are venue-created legs"),
        };
    }

    /// <summary>
    /// <see cref="Of"/> for ids that come from outside (a venue's listing): false, instead of throwing, when
    /// <paramref name="groupId"/> is no engine id or <paramref name="role"/> no exit's.
    /// </summary>
    public static bool TryOf(long groupId, OrderGroupRole role, out long legId)
    {
        bool valid = groupId > 0 && groupId < RoleBit && role is OrderGroupRole.TakeProfit or OrderGroupRole.StopLoss or OrderGroupRole.TrailingStop;
        legId = valid ? Of(groupId, role) : 0;
        return valid;
    }

    /// <summary>Whether <paramref name="clientOrderId"/> is a venue-created leg's id; if so, its group and role.</summary>
    public static bool TryParse(long clientOrderId, out long groupId, out OrderGroupRole role)
    {
        if (clientOrderId > 0)
        {
            bool leg = (clientOrderId & RoleBit) != 0;
            groupId = leg ? clientOrderId & ~RoleBit : 0;
            role = leg ? OrderGroupRole.TakeProfit : OrderGroupRole.None;
            return leg;
        }

        if (clientOrderId == 0 || clientOrderId == long.MinValue)
        {
            groupId = 0;
            role = OrderGroupRole.None;
            return false;
        }

        long magnitude = -clientOrderId;
        groupId = magnitude & ~RoleBit;
        role = (magnitude & RoleBit) != 0 ? OrderGroupRole.TrailingStop : OrderGroupRole.StopLoss;
        return groupId != 0;
    }
}
