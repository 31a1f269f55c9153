using Orchestrator.Core;

namespace Orchestrator.Engine.State;

/// <summary>
/// The legal order transitions. New → PendingNew on hand-off; from there the broker's reports
/// move it on. Terminal states (Filled, Canceled, Rejected, Expired) accept nothing; Unknown
/// (sent, never acknowledged) accepts anything a reconciliation finds. Held (a stop the engine holds for a
/// venue without stop orders, issue 19) is open but no venue knows it, so it accepts no report: the engine
/// itself sends it (PendingNew), cancels, amends or expires it (<c>OrderManagerHandler.Stops.cs</c>).
/// </summary>
public static class OrderStateMachine
{
    public static bool IsOpen(OrderStatus status) => status is OrderStatus.New or OrderStatus.PendingNew
        or OrderStatus.Accepted or OrderStatus.PartiallyFilled or OrderStatus.Unknown or OrderStatus.Held;

    public static bool IsTerminal(OrderStatus status) => status is OrderStatus.Filled or OrderStatus.Canceled
        or OrderStatus.Rejected or OrderStatus.Expired;

    /// <summary>
    /// The status after <paramref name="report"/>, or false if the report is illegal in
    /// <paramref name="current"/> (a duplicate, a report for a finished order, a fill larger
    /// than what is left).
    /// </summary>
    public static bool TryApply(OrderStatus current, ExecutionType report, long fillQuantity, long leavesBefore, out OrderStatus next)
    {
        next = current;
        if (IsTerminal(current) || current is OrderStatus.New or OrderStatus.Held)
        {
            return false;
        }

        switch (report)
        {
            case ExecutionType.Accepted:
                if (current is not (OrderStatus.PendingNew or OrderStatus.Unknown))
                {
                    return false;
                }

                next = OrderStatus.Accepted;
                return true;

            case ExecutionType.PartialFill:
            case ExecutionType.Fill:
                if (fillQuantity <= 0 || fillQuantity > leavesBefore)
                {
                    return false;
                }

                next = fillQuantity == leavesBefore ? OrderStatus.Filled : OrderStatus.PartiallyFilled;
                return true;

            case ExecutionType.Canceled:
                next = OrderStatus.Canceled;
                return true;

            case ExecutionType.Expired:
                next = OrderStatus.Expired;
                return true;

            case ExecutionType.Unknown:
                if (current != OrderStatus.PendingNew)
                {
                    return false; // only an order never acknowledged can be in doubt
                }

                next = OrderStatus.Unknown;
                return true;

            case ExecutionType.Rejected:
                if (current is not (OrderStatus.PendingNew or OrderStatus.Unknown))
                {
                    return false;
                }

                next = OrderStatus.Rejected;
                return true;

            default:
                return false;
        }
    }
}
