namespace Orchestrator.AgentClient;

/// <summary>What a signal asks of the daemon (wire <c>action</c>): a new order, or an amend or cancel of one the daemon gave an <c>order_id</c> for.</summary>
public enum SignalAction
{
    New,

    /// <summary>Change the open order <see cref="AgentSignal.OrderId"/>: its limit price, stop price and/or total quantity.</summary>
    Amend,

    /// <summary>Cancel what is left of the open order <see cref="AgentSignal.OrderId"/>.</summary>
    Cancel,
}
