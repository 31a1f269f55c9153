namespace Orchestrator.AgentClient.Messages;

/// <summary>The whole account, at most once a second on change (<c>type</c> <c>account</c>).</summary>
public sealed record Account : AgentMessage
{
    public decimal Cash { get; init; }

    public decimal Equity { get; init; }

    public decimal BuyingPower { get; init; }

    public long Ts { get; init; }
}
