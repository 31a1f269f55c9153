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
    /// <summary>A signal (or amend, cancel) a role: strategy agent submitted through the strategy API.</summary>
    public LlmSignalRecord(long eventTimeNs, ProposedSignal proposed, OrderType type, decimal limitPrice, decimal stopPrice, SubmitResult result)
        : this(eventTimeNs, proposed, type, limitPrice, stopPrice, result.SignalId,
            result.Status switch
            {
                SubmitStatus.Accepted => "accepted",
                SubmitStatus.Queued => "accepted (queued for the engine)",
                SubmitStatus.Rejected => "rejected: " + result.Reject,
                _ => "refused: " + result.Reject,
            },
            result.Status == SubmitStatus.Accepted ? "open" : result.Status == SubmitStatus.Queued ? "pending" : "none")
    {
        OrderId = proposed.Action == SignalAction.New ? result.ClientOrderId : 0;
    }

    /// <summary>
    /// A signal published into the engine's ring (<c>strategy_agent</c>): <paramref name="decision"/> is what the
    /// publish said; the engine's verdict and the order's fate follow from the audit stream.
    /// </summary>
    public LlmSignalRecord(long eventTimeNs, ProposedSignal proposed, OrderType type, decimal limitPrice, decimal stopPrice, long signalId, string decision, string order)
    {
        EventTimeNs = eventTimeNs;
        Proposed = proposed;
        OrderType = type;
        LimitPrice = limitPrice;
        StopPrice = stopPrice;
        SignalId = signalId;
        Decision = decision;
        Order = order;
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

    /// <summary>What the engine said when it was submitted (or, for a published signal, later: rejected by risk, held back by consolidation).</summary>
    public string Decision { get; private set; }

    /// <summary>Its order: <c>none</c>, <c>pending</c>, <c>open</c>, <c>partially filled</c>, <c>filled</c>, <c>canceled</c>, <c>rejected: why</c>, <c>expired</c>, <c>unknown</c>.</summary>
    public string Order { get; private set; }

    /// <summary>Shares filled (whole shares for a strategy; shares with decimals for a fractional symbol of <c>strategy_agent</c>).</summary>
    public decimal FilledQuantity { get; private set; }

    /// <summary>Average fill price (0 before the first fill).</summary>
    public decimal AveragePrice { get; private set; }

    /// <summary>
    /// The engine's later word on a signal it took in: with <paramref name="final"/> it will never be an order
    /// (risk refused it, consolidation outvoted or vetoed it), else it waits (consolidation holds it).
    /// </summary>
    public void OnDecided(string decision, bool final)
    {
        Decision = decision;
        if (final)
        {
            Order = "none";
        }
    }

    public void OnUpdate(in OrderUpdate update) => OnUpdate(update.ClientOrderId, update.ExecType, update.Reject);

    /// <summary>Its order <paramref name="clientOrderId"/> changed state.</summary>
    public void OnUpdate(long clientOrderId, ExecutionType execType, RejectReason reject)
    {
        if (OrderId == 0 && Proposed.Action == SignalAction.New)
        {
            OrderId = clientOrderId;
        }

        Order = execType switch
        {
            ExecutionType.Canceled => FilledQuantity > 0 ? "canceled after a partial fill" : "canceled",
            ExecutionType.Rejected => "rejected: " + reject,
            ExecutionType.Expired => "expired",
            ExecutionType.Unknown => "unknown",
            ExecutionType.Replaced or ExecutionType.AmendRejected => Order, // an amend's outcome; the order works on
            _ => FilledQuantity > 0 ? Order : "open",
        };
    }

    /// <summary>A fill of its order: <paramref name="quantity"/> shares at <paramref name="price"/>; <paramref name="complete"/> when nothing is left.</summary>
    public void OnFill(decimal quantity, decimal price, bool complete)
    {
        if (quantity <= 0)
        {
            return;
        }

        AveragePrice = ((AveragePrice * FilledQuantity) + (price * quantity)) / (FilledQuantity + quantity);
        FilledQuantity += quantity;
        Order = complete ? "filled" : "partially filled";
    }
}
