namespace Orchestrator.Backtest;

/// <summary>The sign of a round trip's position.</summary>
public enum TradeDirection
{
    /// <summary>Opened by a buy from flat: the position is positive.</summary>
    Long = 1,

    /// <summary>Opened by a sell from flat: the position is negative.</summary>
    Short = 2,
}
