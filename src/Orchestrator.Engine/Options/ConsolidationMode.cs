namespace Orchestrator.Engine.Options;

/// <summary>How a consolidation group turns several sources' signals for one symbol into decisions (<see cref="ConsolidationGroup"/>).</summary>
public enum ConsolidationMode : byte
{
    /// <summary>Every signal goes on to risk as it came (the behaviour without consolidation).</summary>
    PassThrough = 0,

    /// <summary>The first signal trades; every other signal for the symbol within the window after it is outvoted.</summary>
    FirstWins,

    /// <summary>Signals are held until one side's summed source weights reach the threshold and exceed the other side's.</summary>
    WeightedVote,

    /// <summary>Signals are held until the quorum of distinct sources agree on a side within the window.</summary>
    Quorum,

    /// <summary>Signals pass unless a listed veto source's signal against their side is younger than the window; a veto source's own signals never trade.</summary>
    Veto,
}
