namespace Orchestrator.AgentClient;

/// <summary>The order type a signal asks for (wire names <c>market</c>, <c>limit</c>, <c>stop</c>, <c>stop_limit</c>, <c>trailing_stop</c>).</summary>
public enum SignalOrderType
{
    Market,
    Limit,
    Stop,
    StopLimit,

    /// <summary>A stop that follows the best price by <see cref="AgentSignal.TrailPrice"/> or <see cref="AgentSignal.TrailPercent"/> (one is required).</summary>
    TrailingStop,
}
