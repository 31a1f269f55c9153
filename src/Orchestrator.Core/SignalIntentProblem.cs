namespace Orchestrator.Core;

/// <summary>What is wrong with a signal's order intent, when something is (<see cref="SignalIntentRules.Check"/>).</summary>
public enum SignalIntentProblem : byte
{
    None = 0,
    LimitPriceRequired,
    StopPriceRequired,
    LimitPriceNotAllowed,
    StopPriceNotAllowed,
    PriceAndLimitPrice,
}
