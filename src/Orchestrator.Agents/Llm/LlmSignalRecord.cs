using Orchestrator.Agents.Strategy;
using Orchestrator.Core;
using Orchestrator.Strategies;

namespace Orchestrator.Agents.Llm;

/// <summary>
/// One signal an <see cref="LlmStrategy"/> sent and what became of it: the engine's decision
/// (accepted, queued, rejected, refused and why), then its order's fate from the strategy's own order
/// updates and fills (filled quantity and average price; canceled, rejected, expired). Shown to the
/// model in its next prompt; touched on the strategy's own thread only.
/// </summary>
internal sealed class LlmSignalRecord
{
    public LlmSignalRecord(long eventTimeNs, ProposedSignal proposed, OrderType type, decimal limitPrice, decimal stopPrice, SubmitResult result)
    {
        EventTimeNs = eventTimeNs;
        Proposed = proposed;
        OrderType = type;
        LimitPrice = limitPrice;
        StopPrice = stopPrice;
        SignalId = result.SignalId;
        OrderId = proposed.Action == SignalAction.New ? result.ClientOrderId : 0;
        Decision = result.Status switch
        {
            SubmitStatus.Accepted => "accepted",
            SubmitStatus.Queued => "accepted (queued for the engine)",
            SubmitStatus.Rejected => "rejected: " + result.Reject,
            _ => "refused: " + result.Reject,
        };
        Order = result.Status == SubmitStatus.Accepted ? "open" : result.Status == SubmitStatus.Queued ? "pending" : "none";
    }

    public long EventTimeNs { get; }

    public ProposedSignal Proposed { get; }

    public OrderType OrderType { get; }

    public decimal LimitPrice { get; }

    public decimal StopPrice { get; }

    /// <summary>The engine's id of the signal (0 when refused before the engine).</summary>
    public long SignalId { get; }

    /// <summary>The engine's id of the order a new signal became (from the submit's answer, else its first order update; 0 before), which an amend or cancel names.</summary>
    public long OrderId { get; private set; }

    /// <summary>Whether the order is still working (an id known, not filled, canceled, rejected or expired).</summary>
    public bool IsOpen => OrderId != 0 && Order is "open" or "partially filled";

    /// <summary>What the engine said when it was submitted.</summary>
    public string Decision { get; }

    /// <summary>Its order: <c>none</c>, <c>pending</c>, <c>open</c>, <c>partially filled</c>, <c>filled</c>, <c>canceled</c>, <c>rejected: why</c>, <c>expired</c>, <c>unknown</c>.</summary>
    public string Order { get; private set; }

    public long FilledQuantity { get; private set; }

    /// <summary>Average fill price (0 before the first fill).</summary>
    public decimal AveragePrice { get; private set; }

    public void OnUpdate(in OrderUpdate update)
    {
        if (OrderId == 0 && Proposed.Action == SignalAction.New)
        {
            OrderId = update.ClientOrderId;
        }

        Order = update.ExecType switch
        {
            ExecutionType.Canceled => FilledQuantity > 0 ? "canceled after a partial fill" : "canceled",
            ExecutionType.Rejected => "rejected: " + update.Reject,
            ExecutionType.Expired => "expired",
            ExecutionType.Unknown => "unknown",
            ExecutionType.Replaced or ExecutionType.AmendRejected => Order, // an amend's outcome; the order works on
            _ => FilledQuantity > 0 ? Order : "open",
        };
    }

    public void OnFill(in Fill fill)
    {
        decimal price = FixedPoint.ToDecimal(fill.PriceRaw);
        AveragePrice = ((AveragePrice * FilledQuantity) + (price * fill.Quantity)) / (FilledQuantity + fill.Quantity);
        FilledQuantity += fill.Quantity;
        Order = fill.LeavesQuantity == 0 ? "filled" : "partially filled";
    }
}
